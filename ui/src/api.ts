// Typed wrappers for every IPC command of the Rust shell. This is the only module that calls
// `invoke`: pages and components import these functions, never `@tauri-apps/api/core` itself.
// Arguments are camelCase, as Tauri expects; failures reject with an `IpcError`.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AddAnchorsInput } from "./bindings/AddAnchorsInput";
import type { AnchorsAdded } from "./bindings/AnchorsAdded";
import type { AppInfo } from "./bindings/AppInfo";
import type { BundleApplyReport } from "./bindings/BundleApplyReport";
import type { BundleApplyTarget } from "./bindings/BundleApplyTarget";
import type { BundleBuildInput } from "./bindings/BundleBuildInput";
import type { BundleInspection } from "./bindings/BundleInspection";
import type { BundleKeyInput } from "./bindings/BundleKeyInput";
import type { BundleVerification } from "./bindings/BundleVerification";
import type { BundleWritten } from "./bindings/BundleWritten";
import type { CaAssociationInput } from "./bindings/CaAssociationInput";
import type { CaEnrollInput } from "./bindings/CaEnrollInput";
import type { CaInfoView } from "./bindings/CaInfoView";
import type { CaReenrolled } from "./bindings/CaReenrolled";
import type { CaReenrollInput } from "./bindings/CaReenrollInput";
import type { CaRegistered } from "./bindings/CaRegistered";
import type { CaRegisterInput } from "./bindings/CaRegisterInput";
import type { CaTarget } from "./bindings/CaTarget";
import type { CaUser } from "./bindings/CaUser";
import type { CertsReport } from "./bindings/CertsReport";
import type { ChannelAnchors } from "./bindings/ChannelAnchors";
import type { ConnectionVerdict } from "./bindings/ConnectionVerdict";
import type { ConsoleComponents } from "./bindings/ConsoleComponents";
import type { ConsoleImportReport } from "./bindings/ConsoleImportReport";
import type { ConsoleInput } from "./bindings/ConsoleInput";
import type { ConsoleSummary } from "./bindings/ConsoleSummary";
import type { DoctorReport } from "./bindings/DoctorReport";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { HaCheck } from "./bindings/HaCheck";
import type { ImportReport } from "./bindings/ImportReport";
import type { JoinProgressUpdate } from "./bindings/JoinProgressUpdate";
import type { LibraryItem } from "./bindings/LibraryItem";
import type { OrgPeers } from "./bindings/OrgPeers";
import type { PeerChaincodes } from "./bindings/PeerChaincodes";
import type { PeerChannels } from "./bindings/PeerChannels";
import type { PeerInstalled } from "./bindings/PeerInstalled";
import type { PeerInstallInput } from "./bindings/PeerInstallInput";
import type { PeerJoined } from "./bindings/PeerJoined";
import type { PeerJoinInput } from "./bindings/PeerJoinInput";
import type { PlanCreateInput } from "./bindings/PlanCreateInput";
import type { PlanExportKind } from "./bindings/PlanExportKind";
import type { PlanFinished } from "./bindings/PlanFinished";
import type { PlanPreview } from "./bindings/PlanPreview";
import type { PlanProgressUpdate } from "./bindings/PlanProgressUpdate";
import type { PlanRecord } from "./bindings/PlanRecord";
import type { PlanReportView } from "./bindings/PlanReportView";
import type { PlanStatus } from "./bindings/PlanStatus";
import type { RateLimitNotice } from "./bindings/RateLimitNotice";
import type { RecordUpdateInput } from "./bindings/RecordUpdateInput";
import type { RegionOp } from "./bindings/RegionOp";
import type { SandboxRegion } from "./bindings/SandboxRegion";
import type { Settings } from "./bindings/Settings";

/** The IPC commands and their arguments and results, in one place. */
export interface Commands {
  app_info: { args: undefined; result: AppInfo };
  get_settings: { args: undefined; result: Settings };
  update_settings: { args: { settings: Settings }; result: Settings };
  doctor: { args: undefined; result: DoctorReport };
  unlock_secrets: { args: { passphrase: string }; result: AppInfo };
  ui_ready: { args: { pageMs: number }; result: null };
  launch_files: { args: undefined; result: string[] };
  library_list: { args: undefined; result: LibraryItem[] };
  library_import_paths: { args: { paths: string[] }; result: ImportReport };
  library_import_dialog: { args: undefined; result: ImportReport | null };
  library_export_dialog: {
    args: { ids: string[]; includePrivateKeys: boolean; format: ExportFormat };
    result: string | null;
  };
  library_remove: { args: { ids: string[] }; result: number };
  console_list: { args: undefined; result: ConsoleSummary[] };
  console_add: { args: { input: ConsoleInput }; result: ConsoleSummary };
  console_update: { args: { name: string; input: ConsoleInput }; result: ConsoleSummary };
  console_remove: { args: { name: string }; result: null };
  console_test: { args: { name: string }; result: ConnectionVerdict };
  console_components: { args: { name: string; fresh: boolean }; result: ConsoleComponents };
  console_export_to_library: {
    args: { name: string; componentIds: string[] };
    result: ImportReport;
  };
  console_export_dialog: { args: { name: string; componentId: string }; result: string | null };
  console_import: { args: { name: string; artifactIds: string[] }; result: ConsoleImportReport };
  console_copy: {
    args: { from: string; to: string; componentIds: string[] };
    result: ConsoleImportReport;
  };
  console_update_records: { args: { input: RecordUpdateInput }; result: ConsoleImportReport };
  peer_channels: {
    args: { peer: string; identity: string | null; tlsIdentity: string | null };
    result: PeerChannels;
  };
  peer_org_peers: { args: { peer: string }; result: OrgPeers };
  peer_join: { args: { input: PeerJoinInput }; result: PeerJoined };
  peer_chaincodes: {
    args: { peer: string; identity: string | null; tlsIdentity: string | null };
    result: PeerChaincodes;
  };
  peer_install: { args: { input: PeerInstallInput }; result: PeerInstalled };
  peer_package_dialog: { args: undefined; result: string | null };
  channel_anchors: {
    args: {
      channel: string;
      peer: string | null;
      identity: string | null;
      tlsIdentity: string | null;
    };
    result: ChannelAnchors;
  };
  channel_add_anchors: { args: { input: AddAnchorsInput }; result: AnchorsAdded };
  ca_info: { args: { target: CaTarget }; result: CaInfoView };
  ca_enroll: { args: { input: CaEnrollInput }; result: LibraryItem };
  ca_register: { args: { input: CaRegisterInput }; result: CaRegistered };
  ca_identities: { args: { target: CaTarget; registrar: string | null }; result: CaUser[] };
  ca_associate: { args: { ca: string; how: CaAssociationInput }; result: LibraryItem };
  ca_association: { args: { ca: string }; result: LibraryItem | null };
  plan_list: { args: undefined; result: PlanRecord[] };
  plan_running: { args: undefined; result: string[] };
  plan_resume_interrupted: { args: undefined; result: string[] };
  plan_get: { args: { name: string }; result: PlanRecord };
  plan_create: { args: { input: PlanCreateInput }; result: PlanRecord };
  plan_preview: { args: { name: string }; result: PlanPreview };
  plan_apply: { args: { name: string }; result: null };
  plan_cancel: { args: { name: string }; result: boolean };
  plan_status: { args: { name: string }; result: PlanStatus };
  plan_report: { args: { name: string }; result: PlanReportView };
  plan_export_dialog: { args: { name: string; kind: PlanExportKind }; result: string | null };
  bundle_create: { args: { input: BundleBuildInput }; result: BundleWritten | null };
  bundle_open_dialog: { args: undefined; result: string | null };
  bundle_identity_dialog: { args: undefined; result: string | null };
  bundle_detect: { args: { paths: string[] }; result: string[] };
  bundle_inspect: { args: { path: string; key: BundleKeyInput }; result: BundleInspection };
  bundle_verify: { args: { path: string; key: BundleKeyInput }; result: BundleVerification };
  bundle_apply: {
    args: { path: string; key: BundleKeyInput; target: BundleApplyTarget };
    result: BundleApplyReport;
  };
  bundle_signing_key: { args: undefined; result: string };
  ha_check: {
    args: {
      plan: string | null;
      console: string | null;
      mspId: string | null;
      tlsIdentity: string | null;
    };
    result: HaCheck;
  };
  ha_check_export_dialog: { args: { checkedAt: string; markdown: boolean }; result: string | null };
  ca_reenroll: { args: { input: CaReenrollInput }; result: CaReenrolled };
  certs_report: { args: undefined; result: CertsReport };
  sandbox_regions: { args: undefined; result: SandboxRegion[] };
  sandbox_region: { args: { op: RegionOp; region: string }; result: SandboxRegion };
}

export type CommandName = keyof Commands;

function call<C extends CommandName>(
  cmd: C,
  ...args: Commands[C]["args"] extends undefined ? [] : [Commands[C]["args"]]
): Promise<Commands[C]["result"]> {
  return invoke<Commands[C]["result"]>(cmd, args[0]);
}

/** Version, workspace paths, secrets state and whether this is the first run. */
export const appInfo = (): Promise<AppInfo> => call("app_info");

/** The workspace's preferences. */
export const getSettings = (): Promise<Settings> => call("get_settings");

/** Stores all preferences at once and returns what was stored. */
export const updateSettings = (settings: Settings): Promise<Settings> =>
  call("update_settings", { settings });

/** Runs the self-checks (workspace, database, keyring, …). */
export const doctor = (): Promise<DoctorReport> => call("doctor");

/** Opens the workspace's secrets with the user's passphrase. */
export const unlockSecrets = (passphrase: string): Promise<AppInfo> =>
  call("unlock_secrets", { passphrase });

/** Tells the backend the first real frame is on screen, `pageMs` after the page started loading
 * (`performance.now()`); startup is measured by it. */
export const uiReady = (pageMs: number): Promise<null> => call("ui_ready", { pageMs });

/** The files the app was started with (opened with the app from a file manager), once. */
export const launchFiles = (): Promise<string[]> => call("launch_files");

/** Every artifact in the local library (peers, CAs, ordering services, MSPs, identities). */
export const libraryList = (): Promise<LibraryItem[]> => call("library_list");

/** Imports files by absolute path (drag and drop); one report entry per path. */
export const libraryImportPaths = (paths: string[]): Promise<ImportReport> =>
  call("library_import_paths", { paths });

/** Opens the native multi-select open dialog (JSON and zip) and imports what was chosen;
 * null when the user cancelled the dialog. */
export const libraryImportDialog = (): Promise<ImportReport | null> =>
  call("library_import_dialog");

/** Opens the native save dialog and writes the console file(s): one non-identity id gives that
 * component's JSON file, several ids (or `[]` = everything) a console-compatible bulk zip.
 * `format` "zip" always writes the bulk zip. Identities are exported only with
 * `includePrivateKeys`. Returns the path written, or null
 * when the user cancelled. */
export const libraryExportDialog = (
  ids: string[],
  includePrivateKeys: boolean,
  format: ExportFormat = "auto",
): Promise<string | null> => call("library_export_dialog", { ids, includePrivateKeys, format });

/** Removes artifacts from the library (identities with their stored private keys); returns
 * how many were removed. */
export const libraryRemove = (ids: string[]): Promise<number> => call("library_remove", { ids });

/** Every console of the workspace (non-secret fields and the last connection verdict). */
export const consoleList = (): Promise<ConsoleSummary[]> => call("console_list");

/** Adds a console. The secret (API secret or bootstrap password) goes to the backend only
 * here; it never comes back over IPC. */
export const consoleAdd = (input: ConsoleInput): Promise<ConsoleSummary> =>
  call("console_add", { input });

/** Changes the console called `name` (`input.auth` null keeps the stored credentials). */
export const consoleUpdate = (name: string, input: ConsoleInput): Promise<ConsoleSummary> =>
  call("console_update", { name, input });

/** Forgets a console and its stored credentials; the console itself is not changed. */
export const consoleRemove = (name: string): Promise<null> => call("console_remove", { name });

/** Public settings, then an authenticated call: the verdict with its sentence and fix. */
export const consoleTest = (name: string): Promise<ConnectionVerdict> =>
  call("console_test", { name });

/** The console's peers, CAs, ordering services (one per cluster) and MSPs, with status. The
 * backend reuses a console's answer for 20 s; `fresh` (an explicit refresh) reads past that
 * cache and the console's own. */
export const consoleComponents = (name: string, fresh = false): Promise<ConsoleComponents> =>
  call("console_components", { name, fresh });

/** Exports components of a console into the local library; the library's import report. */
export const consoleExportToLibrary = (
  name: string,
  componentIds: string[],
): Promise<ImportReport> => call("console_export_to_library", { name, componentIds });

/** Saves one component as the file the console's UI downloads (native save dialog); the path
 * written, or null when the user cancelled. */
export const consoleExportDialog = (name: string, componentId: string): Promise<string | null> =>
  call("console_export_dialog", { name, componentId });

/** Imports library artifacts into a console; never a duplicate (reported "already present"). */
export const consoleImport = (name: string, artifactIds: string[]): Promise<ConsoleImportReport> =>
  call("console_import", { name, artifactIds });

/** Copies components from one console to another (export from `from`, import into `to`). */
export const consoleCopy = (
  from: string,
  to: string,
  componentIds: string[],
): Promise<ConsoleImportReport> => call("console_copy", { from, to, componentIds });

/** Imports or copies components again, replacing the certificates of the console's records
 * that carry other ones (through the console's edit route; a CA's cannot be replaced). */
export const consoleUpdateRecords = (input: RecordUpdateInput): Promise<ConsoleImportReport> =>
  call("console_update_records", { input });

/** The channels a peer has joined, each with its height, and the wallet identity that signed.
 * `peer` is a display name, `CONSOLE/ID` or a library id; a null identity lets the backend
 * pick the wallet's admin of the peer's organization. A `tlsIdentity` (a wallet identity
 * enrolled at the TLS CA) is presented as the client certificate to peers that require mutual
 * TLS; null presents none. */
export const peerChannels = (
  peer: string,
  identity: string | null = null,
  tlsIdentity: string | null = null,
): Promise<PeerChannels> => call("peer_channels", { peer, identity, tlsIdentity });

/** The other peers of a peer's organization known to the library and the consoles (where
 * block 0 or a package can come from). */
export const peerOrgPeers = (peer: string): Promise<OrgPeers> => call("peer_org_peers", { peer });

/** Joins a peer to a channel (block 0 from `input.from`, else another peer of its organization
 * that lists the channel) and resolves once it has caught up; follow the catch-up with
 * `onJoinProgress`. A peer that has joined already resolves with `alreadyJoined`. */
export const peerJoin = (input: PeerJoinInput): Promise<PeerJoined> => call("peer_join", { input });

/** The chaincode packages installed on a peer, with the definitions that use each. */
export const peerChaincodes = (
  peer: string,
  identity: string | null = null,
  tlsIdentity: string | null = null,
): Promise<PeerChaincodes> => call("peer_chaincodes", { peer, identity, tlsIdentity });

/** Installs the exact package bytes another peer has, or a package file, on a peer; a package
 * the peer has already is reported as such. */
export const peerInstall = (input: PeerInstallInput): Promise<PeerInstalled> =>
  call("peer_install", { input });

/** Asks for a chaincode package (native open dialog); its path, or null when cancelled. */
export const peerPackageDialog = (): Promise<string | null> => call("peer_package_dialog");

/** Every organization's anchor peers in a channel's configuration, read from `peer`. */
export const channelAnchors = (
  channel: string,
  peer: string | null,
  identity: string | null = null,
  tlsIdentity: string | null = null,
): Promise<ChannelAnchors> => call("channel_anchors", { channel, peer, identity, tlsIdentity });

/** Adds peers of one organization to a channel's anchor peers (one config update signed by
 * its admin); nothing is sent when they are all anchor peers already. */
export const channelAddAnchors = (input: AddAnchorsInput): Promise<AnchorsAdded> =>
  call("channel_add_anchors", { input });

/** Event of a join's catch-up (see src-tauri/src/commands.rs). */
export const PEER_JOIN_PROGRESS_EVENT = "peer://join-progress";

/** Calls `handler` with the joined peer's height while a `peerJoin` waits. */
export const onJoinProgress = (
  handler: (update: JoinProgressUpdate) => void,
): Promise<UnlistenFn> =>
  listen<JoinProgressUpdate>(PEER_JOIN_PROGRESS_EVENT, (event) => handler(event.payload));

/** `cainfo` of a CA: its name, version and CA chain (no credentials needed). */
export const caInfo = (target: CaTarget): Promise<CaInfoView> => call("ca_info", { target });

/** Enrolls at a CA into a new wallet identity (private key kept encrypted); the new identity.
 * A null secret uses the one this workspace kept when it registered the id. */
export const caEnroll = (input: CaEnrollInput): Promise<LibraryItem> =>
  call("ca_enroll", { input });

/** Registers an identity at a CA, signed by the registrar (default: the CA's associated
 * identity). The secret goes to the backend only; it is kept there for a later enroll. */
export const caRegister = (input: CaRegisterInput): Promise<CaRegistered> =>
  call("ca_register", { input });

/** The identities registered at a CA that the registrar (default: the associated identity) may
 * see. */
export const caIdentities = (
  target: CaTarget,
  registrar: string | null = null,
): Promise<CaUser[]> => call("ca_identities", { target, registrar });

/** Associates a wallet identity with a library CA (enroll with id + secret, or pick one); the
 * associated identity. */
export const caAssociate = (ca: string, how: CaAssociationInput): Promise<LibraryItem> =>
  call("ca_associate", { ca, how });

/** The wallet identity associated with a library CA, or null. */
export const caAssociation = (ca: string): Promise<LibraryItem | null> =>
  call("ca_association", { ca });

/** Every saved HA plan. */
export const planList = (): Promise<PlanRecord[]> => call("plan_list");

/** Names of the plans running in this window now. */
export const planRunning = (): Promise<string[]> => call("plan_running");

/** One plan. */
export const planGet = (name: string): Promise<PlanRecord> => call("plan_get", { name });

/** Saves a new plan; the registrar's secret (if any) crosses here once and is stored encrypted. */
export const planCreate = (input: PlanCreateInput): Promise<PlanRecord> =>
  call("plan_create", { input });

/** The dry run: checks and every step's verdict against the consoles as they are now. */
export const planPreview = (name: string): Promise<PlanPreview> => call("plan_preview", { name });

/** Starts (or resumes) a plan and returns at once; follow it with `onPlanProgress` and
 * `onPlanFinished`. */
export const planApply = (name: string): Promise<null> => call("plan_apply", { name });

/** Resumes the plans whose last run was interrupted (the app or the CLI died while applying
 * them) and that no other process is applying; their names. Follow them like `planApply`. */
export const planResumeInterrupted = (): Promise<string[]> => call("plan_resume_interrupted");

/** Cancels a running plan; false when it was not running. */
export const planCancel = (name: string): Promise<boolean> => call("plan_cancel", { name });

/** The plan and the journal state of every step. */
export const planStatus = (name: string): Promise<PlanStatus> => call("plan_status", { name });

/** The report, as data and Markdown. */
export const planReport = (name: string): Promise<PlanReportView> => call("plan_report", { name });

/** Saves the plan file or its report through the save dialog; the path, or null if cancelled. */
export const planExportDialog = (name: string, kind: PlanExportKind): Promise<string | null> =>
  call("plan_export_dialog", { name, kind });

/** Event names of a plan run (see src-tauri/src/commands.rs). */
export const PLAN_PROGRESS_EVENT = "plan://progress";
export const PLAN_FINISHED_EVENT = "plan://finished";

/** Calls `handler` with every step update of any running plan. */
export const onPlanProgress = (
  handler: (update: PlanProgressUpdate) => void,
): Promise<UnlistenFn> =>
  listen<PlanProgressUpdate>(PLAN_PROGRESS_EVENT, (event) => handler(event.payload));

/** Calls `handler` when a run ends. */
export const onPlanFinished = (handler: (finished: PlanFinished) => void): Promise<UnlistenFn> =>
  listen<PlanFinished>(PLAN_FINISHED_EVENT, (event) => handler(event.payload));

/** Builds a bundle for a console, then asks where to save it (native save dialog); what was
 * written, or null when the user cancelled. A bundle that cannot be built fails before the
 * dialog opens. A passphrase crosses here once and is never sent back. */
export const bundleCreate = (input: BundleBuildInput): Promise<BundleWritten | null> =>
  call("bundle_create", { input });

/** Asks for a bundle file (native open dialog); its path, or null when cancelled. */
export const bundleOpenDialog = (): Promise<string | null> => call("bundle_open_dialog");

/** Asks for an age identity file (native open dialog); its path (the key itself stays in the
 * backend), or null when cancelled. */
export const bundleIdentityDialog = (): Promise<string | null> => call("bundle_identity_dialog");

/** The bundles among dropped files, recognised by content. */
export const bundleDetect = (paths: string[]): Promise<string[]> =>
  call("bundle_detect", { paths });

/** A bundle's manifest, entries and signer; nothing is applied. */
export const bundleInspect = (path: string, key: BundleKeyInput): Promise<BundleInspection> =>
  call("bundle_inspect", { path, key });

/** Checks every file of a bundle against its manifest and the signature; a changed file
 * rejects with `bundle_tampered` naming it in `details.entry`. */
export const bundleVerify = (path: string, key: BundleKeyInput): Promise<BundleVerification> =>
  call("bundle_verify", { path, key });

/** Verifies a bundle, then imports it into a registered console (its target) or the library,
 * never as a duplicate; the per-item report and the plan steps recorded as done. */
export const bundleApply = (
  path: string,
  key: BundleKeyInput,
  target: BundleApplyTarget,
): Promise<BundleApplyReport> => call("bundle_apply", { path, key, target });

/** This workspace's bundle signing public key (base64 ed25519), made on first use. */
export const bundleSigningKey = (): Promise<string> => call("bundle_signing_key");

/** What an HA check covers: an HA plan's organization, or an MSP id found through a console
 * (over every registered console); `tls` names the wallet identity whose TLS certificate every
 * peer connection presents (peers that require mutual TLS; a plan's own when absent). */
export type HaCheckScope = ({ plan: string } | { console: string; mspId: string }) & {
  tls?: string;
};

/** The HA check: every console and peer of the organization read now (seconds), and per
 * channel whether it survives the loss of any one region, or why not. */
export const haCheck = (scope: HaCheckScope): Promise<HaCheck> =>
  call("ha_check", {
    ...("plan" in scope
      ? { plan: scope.plan, console: null, mspId: null }
      : { plan: null, console: scope.console, mspId: scope.mspId }),
    tlsIdentity: scope.tls ?? null,
  });

/** Saves the HA check last run in this window (the one checked at `checkedAt`) as JSON or
 * Markdown through the save dialog; the path, or null if cancelled. */
export const haCheckExportDialog = (
  checkedAt: string,
  format: "json" | "markdown",
): Promise<string | null> =>
  call("ha_check_export_dialog", { checkedAt, markdown: format === "markdown" });

/** Reenrolls a wallet identity at the CA that issued it (signed by the identity itself, no
 * secret); the new identity replaces the old one under the same name once stored. */
export const caReenroll = (input: CaReenrollInput): Promise<CaReenrolled> =>
  call("ca_reenroll", { input });

/** Every certificate the organization depends on (library, wallet, every console, what each
 * peer's TLS handshake serves), soonest to expire first. Reads every console and peer. */
export const certsReport = (): Promise<CertsReport> => call("certs_report");

/** The regions of the sandbox (`fabric-ha sandbox --fabric`) this user runs now; empty when
 * none runs. */
export const sandboxRegions = (): Promise<SandboxRegion[]> => call("sandbox_regions");

/** Stops or starts a region of the running sandbox (its console, CA and peers) for the
 * region-loss drill; the region as it is after. */
export const sandboxRegion = (op: RegionOp, region: string): Promise<SandboxRegion> =>
  call("sandbox_region", { op, region });

/** Event of a console's rate limit holding a request (see src-tauri/src/commands.rs). */
export const CONSOLE_RATE_LIMIT_EVENT = "console://rate-limit";

/** Calls `handler` at once whenever a console's rate limit makes a request wait. */
export const onRateLimit = (handler: (notice: RateLimitNotice) => void): Promise<UnlistenFn> =>
  listen<RateLimitNotice>(CONSOLE_RATE_LIMIT_EVENT, (event) => handler(event.payload));
