// Helpers for unit tests that go through the real `api.ts` with Tauri's IPC mock.
import { mockIPC } from "@tauri-apps/api/mocks";
import type { AppInfo } from "../bindings/AppInfo";
import type { Settings } from "../bindings/Settings";

export interface RecordedCall {
  cmd: string;
  args: unknown;
}

export const TEST_INFO: AppInfo = {
  version: "0.1.0",
  dataDir: "/data",
  databasePath: "/data/workspace.sqlite",
  logDir: "/data/logs",
  schemaVersion: 1,
  secrets: "keyring",
  firstRun: false,
};

export const TEST_SETTINGS: Settings = { language: "en", pageSize: 15, onboarded: true };

/** Serves app_info/get_settings/update_settings/ui_ready (plus `extra`) and records every call. */
export function mockBackend(
  opts: {
    info?: Partial<AppInfo>;
    settings?: Partial<Settings>;
    extra?: (cmd: string, args: unknown) => unknown;
  } = {},
): RecordedCall[] {
  const calls: RecordedCall[] = [];
  const info: AppInfo = { ...TEST_INFO, ...opts.info };
  let settings: Settings = { ...TEST_SETTINGS, ...opts.settings };
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    if (opts.extra) {
      const handled = opts.extra(cmd, args);
      if (handled !== undefined) return handled;
    }
    switch (cmd) {
      case "app_info":
        return info;
      case "get_settings":
        return settings;
      case "update_settings":
        settings = (args as { settings: Settings }).settings;
        return settings;
      case "ui_ready":
        return null;
      default:
        throw { code: "NotFound", message: `no mock for ${cmd}`, details: null };
    }
  });
  return calls;
}
