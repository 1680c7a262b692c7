// Startup: take AppInfo, Settings and the library from the window (startup.ts), or load them in
// one round of parallel requests, then show the first-run card or the pages, and the passphrase
// prompt while secrets are locked.
import { Button, Theme } from "@carbon/react";
import {
  type ComponentType,
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { useTranslation } from "react-i18next";
import { appInfo, getSettings, launchFiles, libraryList, updateSettings } from "./api";
import type { AppInfo } from "./bindings/AppInfo";
import type { LibraryItem } from "./bindings/LibraryItem";
import type { Settings } from "./bindings/Settings";
import type { StartupData } from "./bindings/StartupData";
import { AppHeader } from "./components/AppHeader";
import { NavRail } from "./components/NavRail";
import { NotificationsProvider, useNotifier } from "./components/Notifications";
import { LibraryProvider } from "./data/WorkspaceData";
import { describeError } from "./errors";
import { adoptWorkspaceLanguage } from "./i18n";
import { LibraryUiProvider, useLibraryUi } from "./library/LibraryUi";
import NodesPage from "./pages/NodesPage";
import { RateLimitNotices } from "./ratelimit/RateLimitNotices";
import { firstFrame, ReadyMarker } from "./ready";
import { type Route, useRoute } from "./router";
import { takeStartupData } from "./startup";
import { type AppState, AppStateProvider } from "./state";

// The Nodes page is the start page, so it ships in the main bundle; the others load on demand.
const PAGES: Record<Route, ComponentType> = {
  nodes: NodesPage,
  consoles: lazy(() => import("./pages/ConsolesPage")),
  organizations: lazy(() => import("./pages/OrganizationsPage")),
  wallet: lazy(() => import("./pages/WalletPage")),
  "ha-plans": lazy(() => import("./pages/HaPlansPage")),
  "ha-check": lazy(() => import("./pages/HaCheckPage")),
  bundles: lazy(() => import("./pages/BundlesPage")),
  settings: lazy(() => import("./pages/SettingsPage")),
};

const FirstRun = lazy(() => import("./pages/FirstRun"));
const PassphraseModal = lazy(() => import("./components/PassphraseModal"));

/** The library as loaded at startup: a failure to read it does not stop the app (the pages
 * open empty and a toast says why). */
type LibraryLoad = { items: LibraryItem[]; error?: undefined } | { items: []; error: unknown };

type Boot =
  | { phase: "loading" }
  | { phase: "failed"; error: unknown }
  | { phase: "ready"; info: AppInfo; settings: Settings; library: LibraryLoad };

type BootData = [AppInfo, Settings, LibraryLoad];

let early: Promise<BootData> | null = null;

function requestBoot(): Promise<BootData> {
  const library = libraryList().then(
    (items): LibraryLoad => ({ items }),
    (error: unknown): LibraryLoad => ({ items: [], error }),
  );
  return Promise.all([appInfo(), getSettings(), library]);
}

/** The start page's data when the window brought it along: the first `App` mount starts from
 * it and asks for nothing. */
let handed: StartupData | undefined;

/** Takes the start page's data the window brought along or, without it, asks the backend for
 * AppInfo, Settings and the library right away, before React mounts, so the answers are
 * (nearly) there by the first render. The first `App` mount takes either over. */
export function startBoot(): void {
  handed = takeStartupData();
  // Where the data came from, for the end-to-end test and the startup probes.
  if (handed) performance.mark("fhd:boot", { detail: "window" });
  else early = requestBoot();
}

function initialBoot(): Boot {
  const data = handed;
  handed = undefined;
  if (!data) return { phase: "loading" };
  return {
    phase: "ready",
    info: data.info,
    settings: data.settings,
    library: { items: data.library },
  };
}

function fetchBoot(): Promise<BootData> {
  const pending = early ?? requestBoot();
  early = null;
  return pending;
}

export function App() {
  // Subscribed to the language: a change re-renders the whole window at once.
  useTranslation();
  const [boot, setBoot] = useState<Boot>(initialBoot);
  const loaded = useRef(boot.phase !== "loading");

  const load = useCallback(() => {
    setBoot({ phase: "loading" });
    fetchBoot().then(
      ([info, settings, library]) => {
        performance.mark("fhd:boot", { detail: "ipc" });
        setBoot({ phase: "ready", info, settings, library });
      },
      (error: unknown) => setBoot({ phase: "failed", error }),
    );
  }, []);

  useEffect(() => {
    if (loaded.current) return;
    loaded.current = true;
    load();
  }, [load]);

  const onInfo = useCallback(
    (info: AppInfo) => setBoot((b) => (b.phase === "ready" ? { ...b, info } : b)),
    [],
  );
  const onSettings = useCallback(
    (settings: Settings) => setBoot((b) => (b.phase === "ready" ? { ...b, settings } : b)),
    [],
  );

  return (
    <Theme theme="g100" className="fhd-app">
      <NotificationsProvider>
        <AppHeader />
        {boot.phase === "loading" ? null : boot.phase === "failed" ? (
          <StartupError error={boot.error} onRetry={load} />
        ) : (
          <LibraryProvider initial={boot.library.items}>
            <LibraryUiProvider>
              <Shell
                info={boot.info}
                settings={boot.settings}
                libraryError={boot.library.error}
                onInfo={onInfo}
                onSettings={onSettings}
              />
            </LibraryUiProvider>
          </LibraryProvider>
        )}
      </NotificationsProvider>
    </Theme>
  );
}

function Shell(props: {
  info: AppInfo;
  settings: Settings;
  /** Why `library_list` failed at startup, if it did. */
  libraryError: unknown;
  onInfo: (info: AppInfo) => void;
  onSettings: (settings: Settings) => void;
}) {
  const { info, settings, libraryError, onInfo, onSettings } = props;
  const route = useRoute();
  const [unlockOpen, setUnlockOpen] = useState(info.secrets === "locked");
  const { notify, notifyError } = useNotifier();
  const { t } = useTranslation("app");

  // A language chosen in Settings on another machine's copy of the workspace, or before the
  // choice was also kept in this webview.
  useEffect(() => adoptWorkspaceLanguage(settings.language), [settings.language]);

  useEffect(() => {
    if (libraryError !== undefined) notifyError(libraryError, t("libraryUnreadable"));
  }, [libraryError, notifyError, t]);

  // Plans interrupted by a crash, a kill or a power loss continue once secrets are open.
  const secretsOpen = info.secrets === "keyring" || info.secrets === "passphrase";
  const resumed = useRef(false);
  useEffect(() => {
    if (!secretsOpen || resumed.current) return;
    resumed.current = true;
    void firstFrame()
      .then(() => import("./plans/resume"))
      .then((m) => m.resumeInterruptedPlans(notify, notifyError));
  }, [secretsOpen, notify, notifyError]);

  const state = useMemo<AppState>(
    () => ({
      info,
      settings,
      saveSettings: async (next) => {
        const saved = await updateSettings(next);
        onSettings(saved);
        return saved;
      },
      setInfo: onInfo,
      requestUnlock: () => setUnlockOpen(true),
    }),
    [info, settings, onInfo, onSettings],
  );

  // Files the app was started with (a bundle or console files opened with it from a file
  // manager) open as a drop would, after the first frame; the welcome screen then stays away.
  const { openPaths } = useLibraryUi();
  const [openedFiles, setOpenedFiles] = useState(false);
  const launchRead = useRef(false);
  useEffect(() => {
    if (launchRead.current) return;
    launchRead.current = true;
    void firstFrame()
      .then(launchFiles)
      .then(
        (paths) => {
          if (paths.length === 0) return;
          setOpenedFiles(true);
          return openPaths(paths);
        },
        (error: unknown) => notifyError(error, t("launchFilesFailed")),
      );
  }, [openPaths, notifyError, t]);

  const showWelcome = info.firstRun && !settings.onboarded && !openedFiles;
  const Page = PAGES[route];

  return (
    <AppStateProvider value={state}>
      {showWelcome ? (
        <main id="main-content" className="fhd-main fhd-main--welcome">
          <Suspense fallback={null}>
            <FirstRun />
          </Suspense>
        </main>
      ) : (
        <>
          <NavRail active={route} />
          <main id="main-content" className="fhd-main" data-route={route}>
            <Suspense fallback={null}>
              <Page key={route} />
              <ReadyMarker />
            </Suspense>
          </main>
          <RateLimitNotices />
        </>
      )}
      {info.secrets === "locked" && unlockOpen ? (
        <Suspense fallback={null}>
          <PassphraseModal
            onUnlocked={(next) => {
              onInfo(next);
              setUnlockOpen(false);
              notify({ kind: "success", title: t("secretsUnlocked") });
            }}
            onLater={() => setUnlockOpen(false)}
          />
        </Suspense>
      ) : null}
    </AppStateProvider>
  );
}

function StartupError(props: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation("app");
  const described = describeError(props.error);
  return (
    <main id="main-content" className="fhd-main fhd-main--welcome">
      <section className="fhd-welcome" aria-labelledby="startup-error-title">
        <h1 id="startup-error-title" className="fhd-welcome__title">
          {t("startupFailed")}
        </h1>
        <p className="fhd-welcome__lead">{described.sentence}</p>
        {described.fix ? <p className="fhd-welcome__lead">{described.fix}</p> : null}
        {described.detail !== described.sentence ? (
          <pre className="fhd-startup-detail">{described.detail}</pre>
        ) : null}
        <Button kind="primary" onClick={props.onRetry}>
          {t("common:retry")}
        </Button>
      </section>
      <ReadyMarker />
    </main>
  );
}
