// Typed wrappers for every IPC command of the Rust shell. This is the only module that calls
// `invoke`: pages and components import these functions, never `@tauri-apps/api/core` itself.
// Arguments are camelCase, as Tauri expects; failures reject with an `IpcError`.
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { DoctorReport } from "./bindings/DoctorReport";
import type { Settings } from "./bindings/Settings";

/** The IPC commands and their arguments and results, in one place. */
export interface Commands {
  app_info: { args: undefined; result: AppInfo };
  get_settings: { args: undefined; result: Settings };
  update_settings: { args: { settings: Settings }; result: Settings };
  doctor: { args: undefined; result: DoctorReport };
  unlock_secrets: { args: { passphrase: string }; result: AppInfo };
  ui_ready: { args: { pageMs: number }; result: null };
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
