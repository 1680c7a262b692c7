// App-wide state loaded at startup: what the backend told us about itself, and the settings.
import { createContext, type ReactNode, useContext } from "react";
import type { AppInfo } from "./bindings/AppInfo";
import type { Settings } from "./bindings/Settings";

export interface AppState {
  info: AppInfo;
  settings: Settings;
  /** Stores the settings through `update_settings` and keeps what the backend returned. */
  saveSettings: (settings: Settings) => Promise<Settings>;
  /** Replaces the AppInfo (after unlocking secrets). */
  setInfo: (info: AppInfo) => void;
  /** Opens the passphrase prompt (only useful while secrets are locked). */
  requestUnlock: () => void;
}

const AppStateContext = createContext<AppState | null>(null);

export function AppStateProvider(props: { value: AppState; children: ReactNode }) {
  return <AppStateContext.Provider value={props.value}>{props.children}</AppStateContext.Provider>;
}

export function useAppState(): AppState {
  const state = useContext(AppStateContext);
  if (!state) throw new Error("useAppState outside AppStateProvider");
  return state;
}
