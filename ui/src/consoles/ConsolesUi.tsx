// The Consoles page's shared state and actions: the registry (console_list), the last
// "Test connection" answers, and the panels every view opens (add/edit, remove, reports,
// import from the library, a peer's channels and chaincode). Views call `useConsolesUi()`.
import {
  createContext,
  lazy,
  type ReactNode,
  Suspense,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import {
  consoleCopy,
  consoleExportDialog,
  consoleExportToLibrary,
  consoleList,
  consoleTest,
} from "../api";
import type { ConnectionVerdict } from "../bindings/ConnectionVerdict";
import type { ConsoleImportReport } from "../bindings/ConsoleImportReport";
import type { ConsoleSummary } from "../bindings/ConsoleSummary";
import type { ImportReport } from "../bindings/ImportReport";
import { useNotifier } from "../components/Notifications";
import { formatNumber, i18n } from "../i18n";
import { useLibraryUi } from "../library/LibraryUi";
import { consolePeerName, type PeerTarget, type PeerView } from "../peers/logic";
import type { ComponentRef } from "./logic";

const tr = (key: string, options?: Record<string, unknown>) => i18n.t(`consoles:${key}`, options);

const ConsoleFormPanel = lazy(() => import("./ConsoleFormPanel"));
const RemoveConsoleModal = lazy(() => import("./RemoveConsoleModal"));
const ConsoleReportPanel = lazy(() => import("./ConsoleReportPanel"));
const ImportFromLibraryPanel = lazy(() => import("./ImportFromLibraryPanel"));
const LibraryReportPanel = lazy(() => import("../library/ReportPanel"));
const PeerPanel = lazy(() => import("../peers/PeerPanel"));

export interface TestState {
  pending: boolean;
  verdict?: ConnectionVerdict;
  error?: unknown;
}

type Panel =
  | { type: "form"; editing?: ConsoleSummary }
  | { type: "remove"; console: ConsoleSummary }
  | { type: "report"; title: string; pending: string; report: ConsoleImportReport | null }
  | { type: "libraryReport"; pending: string; report: ImportReport | null }
  | { type: "importLibrary"; console?: string; artifactIds?: string[] }
  | { type: "peer"; target: PeerTarget; view: PeerView };

export interface ConsolesUi {
  consoles: ConsoleSummary[];
  /** The first console_list answered (or failed). */
  loaded: boolean;
  listError: unknown;
  reloadList: () => Promise<void>;
  openAdd: () => void;
  openEdit: (console: ConsoleSummary) => void;
  openRemove: (console: ConsoleSummary) => void;
  /** "Test connection": the verdict lands in `tests[name]` and in the console's tile. */
  test: (name: string) => Promise<void>;
  tests: Record<string, TestState>;
  dismissTest: (name: string) => void;
  exportToLibrary: (component: ComponentRef) => Promise<void>;
  saveFile: (component: ComponentRef) => Promise<void>;
  /** Copies components between consoles and shows the per-item report. */
  copy: (from: string, to: string, components: ComponentRef[]) => Promise<void>;
  importFromLibrary: (console?: string, artifactIds?: string[]) => void;
  /** Opens a console peer's panel (channels, chaincode, join, install, anchor peers) at
   * `view`; `node` adds what the tile knows (MSP id, api_url). */
  openPeer: (
    component: ComponentRef,
    view?: PeerView,
    node?: { mspId: string | null; apiUrl: string | null; tlsIdentity?: string | null },
  ) => void;
  /** Bumped when a console's components changed here (a copy or import into it). */
  versions: Record<string, number>;
}

const ConsolesContext = createContext<ConsolesUi | null>(null);

export function useConsolesUi(): ConsolesUi {
  const ui = useContext(ConsolesContext);
  if (!ui) throw new Error("useConsolesUi outside ConsolesUiProvider");
  return ui;
}

export function ConsolesUiProvider(props: { children: ReactNode }) {
  const { notify, notifyError } = useNotifier();
  const library = useLibraryUi();
  const [consoles, setConsoles] = useState<ConsoleSummary[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [listError, setListError] = useState<unknown>(null);
  const [tests, setTests] = useState<Record<string, TestState>>({});
  const [versions, setVersions] = useState<Record<string, number>>({});
  const [panel, setPanel] = useState<Panel | null>(null);
  const generation = useRef(0);

  const reloadList = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const list = await consoleList();
      if (mine !== generation.current) return;
      setConsoles(list);
      setListError(null);
    } catch (error) {
      if (mine === generation.current) setListError(error);
    } finally {
      if (mine === generation.current) setLoaded(true);
    }
  }, []);

  useEffect(() => {
    void reloadList();
  }, [reloadList]);

  const bump = useCallback((name: string) => {
    setVersions((v) => ({ ...v, [name]: (v[name] ?? 0) + 1 }));
  }, []);

  const test = useCallback(async (name: string) => {
    setTests((t) => ({ ...t, [name]: { pending: true } }));
    try {
      const verdict = await consoleTest(name);
      setTests((t) => ({ ...t, [name]: { pending: false, verdict } }));
      setConsoles((list) =>
        list.map((c) => (c.name === name ? { ...c, lastVerdict: verdict } : c)),
      );
    } catch (error) {
      setTests((t) => ({ ...t, [name]: { pending: false, error } }));
    }
  }, []);

  const exportToLibrary = useCallback(
    async (component: ComponentRef) => {
      const pending = tr("ui.exporting", { name: component.displayName });
      setPanel({ type: "libraryReport", pending, report: null });
      try {
        const report = await consoleExportToLibrary(component.console, [component.id]);
        setPanel((p) =>
          p?.type === "libraryReport" && p.pending === pending ? { ...p, report } : p,
        );
        await library.reload();
      } catch (error) {
        setPanel((p) => (p?.type === "libraryReport" && p.report === null ? null : p));
        notifyError(error, tr("ui.exportFailed", { name: component.displayName }));
      }
    },
    [library, notifyError],
  );

  const saveFile = useCallback(
    async (component: ComponentRef) => {
      try {
        const path = await consoleExportDialog(component.console, component.id);
        if (path) notify({ kind: "success", title: tr("ui.savedTo", { path }) });
      } catch (error) {
        notifyError(error, tr("ui.saveFailed", { name: component.displayName }));
      }
    },
    [notify, notifyError],
  );

  const copy = useCallback(
    async (from: string, to: string, components: ComponentRef[]) => {
      if (components.length === 0 || from === to) return;
      const what =
        components.length === 1
          ? (components[0]?.displayName ?? "")
          : tr("report.components", {
              count: components.length,
              n: formatNumber(components.length),
            });
      const pending = tr("ui.copying", { what, from, to });
      setPanel({ type: "report", title: tr("menu.copyTo", { name: to }), pending, report: null });
      try {
        const report = await consoleCopy(
          from,
          to,
          components.map((c) => c.id),
        );
        setPanel((p) => (p?.type === "report" && p.pending === pending ? { ...p, report } : p));
        bump(to);
      } catch (error) {
        setPanel((p) => (p?.type === "report" && p.report === null ? null : p));
        notifyError(error, tr("ui.copyFailed", { what, to }));
      }
    },
    [bump, notifyError],
  );

  const close = useCallback(() => setPanel(null), []);

  const ui = useMemo<ConsolesUi>(
    () => ({
      consoles,
      loaded,
      listError,
      reloadList,
      openAdd: () => setPanel({ type: "form" }),
      openEdit: (console) => setPanel({ type: "form", editing: console }),
      openRemove: (console) => setPanel({ type: "remove", console }),
      test,
      tests,
      dismissTest: (name) => setTests(({ [name]: _gone, ...rest }) => rest),
      exportToLibrary,
      saveFile,
      copy,
      importFromLibrary: (console, artifactIds) => {
        const next: Panel = { type: "importLibrary" };
        if (console !== undefined) next.console = console;
        if (artifactIds !== undefined) next.artifactIds = artifactIds;
        setPanel(next);
      },
      openPeer: (component, view = "details", node) =>
        setPanel({
          type: "peer",
          view,
          target: {
            peer: consolePeerName(component.console, component.id),
            displayName: component.displayName,
            mspId: node?.mspId ?? null,
            apiUrl: node?.apiUrl ?? null,
            console: component.console,
            tlsIdentity: node?.tlsIdentity ?? null,
          },
        }),
      versions,
    }),
    [
      consoles,
      loaded,
      listError,
      reloadList,
      test,
      tests,
      exportToLibrary,
      saveFile,
      copy,
      versions,
    ],
  );

  return (
    <ConsolesContext.Provider value={ui}>
      {props.children}
      <Suspense fallback={null}>
        {panel?.type === "form" ? (
          <ConsoleFormPanel
            editing={panel.editing}
            existingNames={consoles.map((c) => c.name)}
            onClose={close}
            onSaved={(saved, previous) => {
              setPanel(null);
              notify({
                kind: "success",
                title: previous
                  ? tr("ui.saved", { name: saved.name })
                  : tr("ui.added", { name: saved.name }),
              });
              if (previous && previous !== saved.name && tests[previous]) {
                setTests(({ [previous]: _gone, ...rest }) => rest);
              }
              void reloadList();
              if (!previous) void test(saved.name);
            }}
          />
        ) : null}
        {panel?.type === "remove" ? (
          <RemoveConsoleModal
            console={panel.console}
            onClose={close}
            onRemoved={(name) => {
              setPanel(null);
              notify({ kind: "success", title: tr("ui.removed", { name }) });
              if (window.location.hash.startsWith("#/consoles/c/"))
                window.location.hash = "/consoles";
              void reloadList();
            }}
          />
        ) : null}
        {panel?.type === "report" ? (
          <ConsoleReportPanel
            title={panel.title}
            pending={panel.pending}
            report={panel.report}
            onClose={close}
            onUpdated={bump}
          />
        ) : null}
        {panel?.type === "libraryReport" ? (
          <LibraryReportPanel report={panel.report} pending={panel.pending} onClose={close} />
        ) : null}
        {panel?.type === "importLibrary" ? (
          <ImportFromLibraryPanel
            consoles={consoles}
            initialConsole={panel.console}
            initialIds={panel.artifactIds}
            onClose={close}
            onImported={bump}
          />
        ) : null}
        {panel?.type === "peer" ? (
          <PeerPanel
            key={`${panel.target.peer}:${panel.view}`}
            target={panel.target}
            view={panel.view}
            onClose={close}
          />
        ) : null}
      </Suspense>
    </ConsolesContext.Provider>
  );
}
