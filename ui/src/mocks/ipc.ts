// The IPC mock of the browser-test bundle (`npm run build:mock`). main.tsx imports it only when
// VITE_IPC_MOCK is "1", so the production bundle never contains it.
//
// URL switches: `?firstRun=1` (first start), `?locked=1` (secrets locked; the passphrase is
// "correct horse"), `?tiles=demo` (sample tiles in every status), `?library=demo` (a seeded
// library), `?fail=<command>` (that command rejects with an Internal error), `?consoles=none`
// (no console; by default three sandbox consoles, see mocks/consoles.ts), `?consoles=ha` (two
// more, empty consoles to replicate into), `?consoles=stale` (Frankfurt's copies of a Dallas
// peer and CA carry older certificates), `?planHold=1` (a plan's first run waits at its
// first "wait until running" step in every region until it is cancelled; see mocks/plans.ts),
// `?haCheck=red` (the HA check finds a region's peer not joined and the channel at risk; see
// mocks/hacheck.ts), `?open=<path>` (repeatable: the files the app was started with, as a file
// manager passes them). Every library CA
// answers the `ca_*` commands as a CA server with `ca` and `tlsca` (mocks/ca.ts). Offline
// bundles live in a small file system under ~/Downloads (mocks/bundles.ts). The consoles' peers
// answer the `peer_*` and `channel_*` commands from a small Fabric network (mocks/peers.ts).
//
// Events are mocked too (`shouldMockEvents`): `window.__emitTauriEvent("tauri://drag-drop",
// { paths, position })` reaches `onDragDropEvent` listeners as Tauri's own event would.
import { emit } from "@tauri-apps/api/event";
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import type { AppInfo } from "../bindings/AppInfo";
import type { BundleApplyTarget } from "../bindings/BundleApplyTarget";
import type { BundleBuildInput } from "../bindings/BundleBuildInput";
import type { BundleKeyInput } from "../bindings/BundleKeyInput";
import type { CaAssociationInput } from "../bindings/CaAssociationInput";
import type { CaEnrollInput } from "../bindings/CaEnrollInput";
import type { CaRegisterInput } from "../bindings/CaRegisterInput";
import type { CaTarget } from "../bindings/CaTarget";
import type { ConsoleInput } from "../bindings/ConsoleInput";
import type { DoctorReport } from "../bindings/DoctorReport";
import type { IpcError } from "../bindings/IpcError";
import type { PlanCreateInput } from "../bindings/PlanCreateInput";
import type { PlanExportKind } from "../bindings/PlanExportKind";
import type { RecordUpdateInput } from "../bindings/RecordUpdateInput";
import type { Settings } from "../bindings/Settings";
import { EMPTY_WORKSPACE, type WorkspaceData } from "../data/model";
import { MockBundles } from "./bundles";
import { MockCas } from "./ca";
import { mockCertsReport, mockReenroll } from "./certs";
import { MockConsoles } from "./consoles";
import { DEMO_WORKSPACE, demoLibrary } from "./demoData";
import { MockHaCheck } from "./hacheck";
import { MockLibrary } from "./library";
import { MockPeers } from "./peers";
import { MockPlans } from "./plans";
import { MockSandbox } from "./sandbox";

export const MOCK_PASSPHRASE = "correct horse";

export interface IpcCall {
  cmd: string;
  args: unknown;
}

declare global {
  interface Window {
    /** Every IPC call the page made, in order (read by the browser tests). */
    __ipcCalls: IpcCall[];
    /** Emits a Tauri event to the page's listeners (drag and drop in the browser tests). */
    __emitTauriEvent: (event: string, payload: unknown) => Promise<void>;
  }
}

function ipcError(
  code: IpcError["code"],
  message: string,
  details: IpcError["details"] = null,
): IpcError {
  return { code, message, details };
}

/** The mock workspace's folder. */
const DATA_DIR = "/home/operator/.local/share/fabric-ha-desktop";

/** Installs the mock and returns the workspace data the pages should show. */
export function installMockIpc(params: URLSearchParams): WorkspaceData {
  const firstRun = params.get("firstRun") === "1";
  const failing = new Set(params.getAll("fail"));
  let info: AppInfo = {
    version: "0.1.0-mock",
    dataDir: DATA_DIR,
    databasePath: `${DATA_DIR}/workspace.sqlite`,
    logDir: `${DATA_DIR}/logs`,
    schemaVersion: 1,
    secrets: params.get("locked") === "1" ? "locked" : "keyring",
    firstRun,
  };
  let settings: Settings = { language: "en", pageSize: 15, onboarded: !firstRun };
  const report: DoctorReport = {
    ok: false,
    checks: [
      {
        id: "dataDirectory",
        name: "data directory",
        status: "ok",
        code: "dataDirReady",
        params: { dir: DATA_DIR, logs: `${DATA_DIR}/logs` },
        detail: `${DATA_DIR} (logs in ${DATA_DIR}/logs)`,
      },
      {
        id: "database",
        name: "database",
        status: "ok",
        code: "databaseFound",
        params: {
          path: `${DATA_DIR}/workspace.sqlite`,
          schema: "1",
          known: "1",
          journal: "wal",
          secrets: "keyring",
        },
        detail: `${DATA_DIR}/workspace.sqlite: schema version 1 (this build knows 1), journal mode wal, secrets keyring`,
      },
      {
        id: "keyring",
        name: "keyring",
        status: "warn",
        code: "keyringPassphrase",
        params: { reason: "Secret Service is not running" },
        detail:
          "Secret Service is not running; secrets will be protected by a passphrase (prompted, or FABRIC_HA_PASSPHRASE)",
      },
      {
        id: "webview",
        name: "webview",
        status: "fail",
        code: "webkitMissing",
        params: {},
        detail:
          "WebKitGTK 4.1 is missing: install libwebkit2gtk-4.1-0 (Debian/Ubuntu) to open the window; the CLI works without it",
      },
    ],
  };

  const library = new MockLibrary(params.get("library") === "demo" ? demoLibrary() : []);
  const consoles = new MockConsoles(library, {
    empty: params.get("consoles") === "none",
    ha: params.get("consoles") === "ha",
    stale: params.get("consoles") === "stale",
  });
  const plans = new MockPlans(consoles, { hold: params.get("planHold") === "1" });
  const cas = new MockCas(library);
  const peers = new MockPeers(consoles, library);
  const bundles = new MockBundles(library, consoles, plans);
  const haChecks = new MockHaCheck(
    params.get("haCheck") === "red",
    params.get("haCheck") === "stale",
  );
  const sandbox = new MockSandbox(params.get("sandbox") === "1");
  let launchFiles = params.getAll("open");

  window.__ipcCalls = [];
  window.__emitTauriEvent = (event, payload) => emit(event, payload);
  mockWindows("main");
  mockIPC(
    (cmd, args) => {
      window.__ipcCalls.push({ cmd, args });
      if (failing.has(cmd)) {
        throw ipcError("Internal", `${cmd} failed (mock)`);
      }
      switch (cmd) {
        case "app_info":
          return info;
        case "get_settings":
          return settings;
        case "update_settings": {
          const next = (args as { settings: Settings }).settings;
          if (![6, 10, 15, 25, 50, 100].includes(next.pageSize)) {
            throw ipcError(
              "InvalidInput",
              `pageSize: must be one of [6, 10, 15, 25, 50, 100], got ${next.pageSize}`,
              {
                field: "pageSize",
              },
            );
          }
          settings = { ...next };
          return settings;
        }
        case "doctor":
          return report;
        case "unlock_secrets": {
          const { passphrase } = args as { passphrase: string };
          if (passphrase !== MOCK_PASSPHRASE) {
            throw ipcError(
              "WrongPassphrase",
              "the passphrase does not open this workspace's secrets",
            );
          }
          info = { ...info, secrets: "passphrase" };
          return info;
        }
        case "ui_ready":
          return null;
        case "launch_files": {
          const files = launchFiles;
          launchFiles = [];
          return files;
        }
        case "library_list":
          return library.list();
        case "library_import_dialog":
          return library.importDialog();
        case "library_import_paths":
          return library.importPaths((args as { paths: string[] }).paths);
        case "library_export_dialog": {
          const { ids, includePrivateKeys } = args as {
            ids: string[];
            includePrivateKeys: boolean;
          };
          return library.exportDialog(ids, includePrivateKeys);
        }
        case "library_remove":
          return library.remove((args as { ids: string[] }).ids);
        case "console_list":
          return consoles.list();
        case "console_add":
          return consoles.add((args as { input: ConsoleInput }).input);
        case "console_update": {
          const { name, input } = args as { name: string; input: ConsoleInput };
          return consoles.update(name, input);
        }
        case "console_remove":
          return consoles.remove((args as { name: string }).name);
        case "console_test":
          return consoles.test((args as { name: string }).name);
        case "console_components":
          return consoles.components((args as { name: string }).name);
        case "console_export_to_library": {
          const { name, componentIds } = args as { name: string; componentIds: string[] };
          return consoles.exportToLibrary(name, componentIds);
        }
        case "console_export_dialog": {
          const { name, componentId } = args as { name: string; componentId: string };
          return consoles.exportDialog(name, componentId);
        }
        case "console_import": {
          const { name, artifactIds } = args as { name: string; artifactIds: string[] };
          return consoles.import(name, artifactIds);
        }
        case "console_copy": {
          const { from, to, componentIds } = args as {
            from: string;
            to: string;
            componentIds: string[];
          };
          return consoles.copy(from, to, componentIds);
        }
        case "console_update_records": {
          const { input } = args as { input: RecordUpdateInput };
          if (haChecks.updateStale(input)) {
            return {
              console: input.console,
              items: [],
            };
          }
          return consoles.updateRecords(input);
        }
        case "sandbox_regions":
          return sandbox.regions();
        case "sandbox_region": {
          const { op, region } = args as { op: "stop" | "start"; region: string };
          return sandbox.act(op, region);
        }
        case "peer_channels":
        case "peer_chaincodes":
        case "peer_org_peers":
        case "peer_join":
        case "peer_install":
        case "peer_package_dialog":
        case "channel_anchors":
        case "channel_add_anchors":
          return peers.answer(cmd, args);
        case "ca_info":
          return cas.info((args as { target: CaTarget }).target);
        case "ca_register":
          return cas.register((args as { input: CaRegisterInput }).input);
        case "ca_identities": {
          const { target, registrar } = args as { target: CaTarget; registrar: string | null };
          return cas.identities(target, registrar);
        }
        case "ca_enroll":
          return cas.enroll((args as { input: CaEnrollInput }).input);
        case "ca_associate": {
          const { ca, how } = args as { ca: string; how: CaAssociationInput };
          return cas.associate(ca, how);
        }
        case "ca_association":
          return cas.association((args as { ca: string }).ca);
        case "plan_list":
          return plans.list();
        case "plan_running":
          return plans.running();
        case "plan_get":
          return plans.get((args as { name: string }).name);
        case "plan_create":
          return plans.create((args as { input: PlanCreateInput }).input);
        case "plan_preview":
          return plans.preview((args as { name: string }).name);
        case "plan_apply":
          return plans.apply((args as { name: string }).name);
        case "plan_resume_interrupted":
          return plans.resumeInterrupted();
        case "plan_cancel":
          return plans.cancel((args as { name: string }).name);
        case "plan_status":
          return plans.status((args as { name: string }).name);
        case "plan_report":
          return plans.report((args as { name: string }).name);
        case "plan_export_dialog": {
          const { name, kind } = args as { name: string; kind: PlanExportKind };
          return plans.exportDialog(name, kind);
        }
        case "bundle_create":
          return bundles.create((args as { input: BundleBuildInput }).input);
        case "bundle_open_dialog":
          return bundles.openDialog();
        case "bundle_identity_dialog":
          return bundles.identityDialog();
        case "bundle_detect":
          return bundles.detect((args as { paths: string[] }).paths);
        case "bundle_inspect": {
          const { path, key } = args as { path: string; key: BundleKeyInput };
          return bundles.inspect(path, key);
        }
        case "bundle_verify": {
          const { path, key } = args as { path: string; key: BundleKeyInput };
          return bundles.verify(path, key);
        }
        case "bundle_apply": {
          const { path, key, target } = args as {
            path: string;
            key: BundleKeyInput;
            target: BundleApplyTarget;
          };
          return bundles.apply(path, key, target);
        }
        case "bundle_signing_key":
          return bundles.signingKey();
        case "ha_check":
          return haChecks.check(
            args as {
              plan: string | null;
              console: string | null;
              mspId: string | null;
              tlsIdentity: string | null;
            },
          );
        case "certs_report":
          return mockCertsReport(consoles, library, params.get("certs") === "none");
        case "ca_reenroll":
          return mockReenroll(library, (args as { input: { identity: string } }).input.identity);
        case "ha_check_export_dialog":
          return haChecks.exportDialog(args as { checkedAt: string; markdown: boolean });
        default:
          throw ipcError("NotFound", `command ${cmd} was not found`, { what: cmd });
      }
    },
    { shouldMockEvents: true },
  );

  return params.get("tiles") === "demo" ? DEMO_WORKSPACE : EMPTY_WORKSPACE;
}
