// Startup: load AppInfo and Settings, then show the first-run card or the pages, and the
// passphrase prompt while secrets are locked.
import { Button, Theme } from "@carbon/react";
import {
  type ComponentType,
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useState,
} from "react";
import { appInfo, getSettings, updateSettings } from "./api";
import type { AppInfo } from "./bindings/AppInfo";
import type { Settings } from "./bindings/Settings";
import { AppHeader } from "./components/AppHeader";
import { NavRail } from "./components/NavRail";
import { NotificationsProvider, useNotifier } from "./components/Notifications";
import { describeError } from "./errors";
import NodesPage from "./pages/NodesPage";
import { ReadyMarker } from "./ready";
import { type Route, useRoute } from "./router";
import { type AppState, AppStateProvider } from "./state";

// The Nodes page is the start page, so it ships in the main bundle; the others load on demand.
const PAGES: Record<Route, ComponentType> = {
  nodes: NodesPage,
  consoles: lazy(() => import("./pages/ConsolesPage")),
  organizations: lazy(() => import("./pages/OrganizationsPage")),
  wallet: lazy(() => import("./pages/WalletPage")),
  "ha-plans": lazy(() => import("./pages/HaPlansPage")),
  bundles: lazy(() => import("./pages/BundlesPage")),
  settings: lazy(() => import("./pages/SettingsPage")),
};

const FirstRun = lazy(() => import("./pages/FirstRun"));
const PassphraseModal = lazy(() => import("./components/PassphraseModal"));

type Boot =
  | { phase: "loading" }
  | { phase: "failed"; error: unknown }
  | { phase: "ready"; info: AppInfo; settings: Settings };

type BootData = [AppInfo, Settings];

let early: Promise<BootData> | null = null;

/** Asks the backend for AppInfo and Settings right away, before React mounts, so the answer is
 * (nearly) there by the first render. The first `App` mount takes this request over. */
export function startBoot(): void {
  early = Promise.all([appInfo(), getSettings()]);
}

function fetchBoot(): Promise<BootData> {
  const pending = early ?? Promise.all([appInfo(), getSettings()]);
  early = null;
  return pending;
}

export function App() {
  const [boot, setBoot] = useState<Boot>({ phase: "loading" });

  const load = useCallback(() => {
    setBoot({ phase: "loading" });
    fetchBoot().then(
      ([info, settings]) => setBoot({ phase: "ready", info, settings }),
      (error: unknown) => setBoot({ phase: "failed", error }),
    );
  }, []);

  useEffect(() => load(), [load]);

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
          <Shell
            info={boot.info}
            settings={boot.settings}
            onInfo={onInfo}
            onSettings={onSettings}
          />
        )}
      </NotificationsProvider>
    </Theme>
  );
}

function Shell(props: {
  info: AppInfo;
  settings: Settings;
  onInfo: (info: AppInfo) => void;
  onSettings: (settings: Settings) => void;
}) {
  const { info, settings, onInfo, onSettings } = props;
  const route = useRoute();
  const [unlockOpen, setUnlockOpen] = useState(info.secrets === "locked");
  const { notify } = useNotifier();

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

  const showWelcome = info.firstRun && !settings.onboarded;
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
        </>
      )}
      {info.secrets === "locked" && unlockOpen ? (
        <Suspense fallback={null}>
          <PassphraseModal
            onUnlocked={(next) => {
              onInfo(next);
              setUnlockOpen(false);
              notify({ kind: "success", title: "Secrets unlocked" });
            }}
            onLater={() => setUnlockOpen(false)}
          />
        </Suspense>
      ) : null}
    </AppStateProvider>
  );
}

function StartupError(props: { error: unknown; onRetry: () => void }) {
  const described = describeError(props.error);
  return (
    <main id="main-content" className="fhd-main fhd-main--welcome">
      <section className="fhd-welcome" aria-labelledby="startup-error-title">
        <h1 id="startup-error-title" className="fhd-welcome__title">
          Fabric HA Desktop could not start
        </h1>
        <p className="fhd-welcome__lead">{described.sentence}</p>
        {described.fix ? <p className="fhd-welcome__lead">{described.fix}</p> : null}
        {described.detail !== described.sentence ? (
          <pre className="fhd-startup-detail">{described.detail}</pre>
        ) : null}
        <Button kind="primary" onClick={props.onRetry}>
          Try again
        </Button>
      </section>
      <ReadyMarker />
    </main>
  );
}
