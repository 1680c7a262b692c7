// The library's panels (import, import report, detail, bulk export) and the window-wide drop
// target, opened from any page through `useLibraryUi()`. Only this small host is in the startup
// bundle: every panel, and the drag-and-drop listener, load on first use. A dropped offline
// bundle (recognised by the backend from its content) opens in Bundles → Receive instead of
// being imported. A panel that takes files itself (the peer panel takes a chaincode package)
// claims the drops while it is open.
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
import { bundleDetect, libraryImportDialog, libraryImportPaths } from "../api";
import type { ArtifactKind } from "../bindings/ArtifactKind";
import type { ImportReport } from "../bindings/ImportReport";
import { openBundle } from "../bundles/route";
import { useNotifier } from "../components/Notifications";
import { useLibrary } from "../data/WorkspaceData";
import { formatNumber, i18n } from "../i18n";

const ImportPanel = lazy(() => import("./ImportPanel"));
const ReportPanel = lazy(() => import("./ReportPanel"));
const DetailPanel = lazy(() => import("./DetailPanel"));
const BulkExportPanel = lazy(() => import("./BulkExportPanel"));
const DropImport = lazy(() => import("./DropImport"));

/** What a drop does while a panel claims the window's drops. */
export interface DropClaim {
  /** The overlay's title, e.g. "Drop a chaincode package to install it on Org1 Peer2". */
  title: string;
  /** The line under it. */
  hint: string;
  onDrop: (paths: string[]) => void;
}

type Panel =
  | { type: "import"; kind: ArtifactKind }
  | { type: "report"; report: ImportReport | null; pending: string }
  | { type: "detail"; id: string }
  | { type: "bulkExport" };

export interface LibraryUi {
  /** Opens a section's import panel ("Add peer", "Add identity", …). */
  openImport: (kind: ArtifactKind) => void;
  /** Opens the detail panel of a library item. */
  openDetail: (id: string) => void;
  /** Opens Settings' bulk export panel. */
  openBulkExport: () => void;
  /** Native open dialog → import → report panel (Settings' Import button). Resolves once the
   * dialog closed; nothing happens when the user cancelled it. */
  importFromDialog: () => Promise<void>;
  /** Imports absolute paths (dropped files) and shows the report panel. */
  importPaths: (paths: string[]) => Promise<void>;
  /** Opens absolute paths as a drop does: a bundle in Bundles → Receive, the rest imported. */
  openPaths: (paths: string[]) => Promise<void>;
  /** Re-reads the library; a failure becomes a toast. */
  reload: () => Promise<void>;
  close: () => void;
  /** Sends the window's file drops to `claim` instead of the import until the returned
   * function is called (the latest claim wins). */
  claimDrops: (claim: DropClaim) => () => void;
}

const noop = async () => {};

const LibraryUiContext = createContext<LibraryUi>({
  openImport: () => {},
  openDetail: () => {},
  openBulkExport: () => {},
  importFromDialog: noop,
  importPaths: noop,
  openPaths: noop,
  reload: noop,
  close: () => {},
  claimDrops: () => () => {},
});

export function useLibraryUi(): LibraryUi {
  return useContext(LibraryUiContext);
}

export function LibraryUiProvider(props: { children: ReactNode }) {
  const { refresh } = useLibrary();
  const { notify, notifyError } = useNotifier();
  const [panel, setPanel] = useState<Panel | null>(null);
  // The drop listener loads after the first frame, so it never delays startup.
  const [dropArmed, setDropArmed] = useState(false);
  const [claim, setClaim] = useState<DropClaim | null>(null);
  const claimRef = useRef<DropClaim | null>(null);

  useEffect(() => {
    let timer = 0;
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => setDropArmed(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, []);

  const reload = useCallback(async () => {
    try {
      await refresh();
    } catch (error) {
      notifyError(error, i18n.t("library:ui.reloadFailed"));
    }
  }, [refresh, notifyError]);

  const close = useCallback(() => setPanel(null), []);

  const importFromDialog = useCallback(async () => {
    try {
      const report = await libraryImportDialog();
      if (!report) return;
      setPanel({ type: "report", report, pending: "" });
      await reload();
    } catch (error) {
      notifyError(error, i18n.t("library:ui.importFailed"));
    }
  }, [reload, notifyError]);

  const importPaths = useCallback(
    async (paths: string[]) => {
      if (paths.length === 0) return;
      const pending = i18n.t("library:ui.importing", {
        files: i18n.t("library:files", { count: paths.length, n: formatNumber(paths.length) }),
      });
      setPanel({ type: "report", report: null, pending });
      try {
        const report = await libraryImportPaths(paths);
        setPanel((p) => (p?.type === "report" && p.pending === pending ? { ...p, report } : p));
        await reload();
      } catch (error) {
        setPanel((p) => (p?.type === "report" && p.report === null ? null : p));
        notifyError(error, i18n.t("library:ui.dropImportFailed"));
      }
    },
    [reload, notifyError],
  );

  // Bundles open in the receive view (one at a time); every other file is imported.
  const drop = useCallback(
    async (paths: string[]) => {
      if (paths.length === 0) return;
      if (claimRef.current) {
        claimRef.current.onDrop(paths);
        return;
      }
      let bundles: string[];
      try {
        bundles = await bundleDetect(paths);
      } catch (error) {
        notifyError(error, i18n.t("library:ui.dropReadFailed"));
        return;
      }
      const [first, ...more] = bundles;
      if (first !== undefined) {
        openBundle(first);
        if (more.length > 0) {
          notify({
            kind: "info",
            title: i18n.t("library:ui.oneBundle"),
            subtitle: i18n.t("library:ui.oneBundleText", {
              file: first,
              count: more.length,
              n: formatNumber(more.length),
            }),
          });
        }
      }
      await importPaths(paths.filter((p) => !bundles.includes(p)));
    },
    [importPaths, notify, notifyError],
  );

  const claimDrops = useCallback((next: DropClaim) => {
    claimRef.current = next;
    setClaim(next);
    return () => {
      if (claimRef.current !== next) return;
      claimRef.current = null;
      setClaim(null);
    };
  }, []);

  const ui = useMemo<LibraryUi>(
    () => ({
      openImport: (kind) => setPanel({ type: "import", kind }),
      openDetail: (id) => setPanel({ type: "detail", id }),
      openBulkExport: () => setPanel({ type: "bulkExport" }),
      importFromDialog,
      importPaths,
      openPaths: drop,
      reload,
      close,
      claimDrops,
    }),
    [importFromDialog, importPaths, drop, reload, close, claimDrops],
  );

  return (
    <LibraryUiContext.Provider value={ui}>
      {props.children}
      <Suspense fallback={null}>
        {panel?.type === "import" ? <ImportPanel kind={panel.kind} onClose={close} /> : null}
        {panel?.type === "report" ? (
          <ReportPanel report={panel.report} pending={panel.pending} onClose={close} />
        ) : null}
        {panel?.type === "detail" ? <DetailPanel id={panel.id} onClose={close} /> : null}
        {panel?.type === "bulkExport" ? <BulkExportPanel onClose={close} /> : null}
      </Suspense>
      {dropArmed ? (
        <Suspense fallback={null}>
          <DropImport onDrop={drop} title={claim?.title} hint={claim?.hint} />
        </Suspense>
      ) : null}
    </LibraryUiContext.Provider>
  );
}
