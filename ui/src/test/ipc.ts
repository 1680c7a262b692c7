// Helpers for unit tests that go through the real `api.ts` with Tauri's IPC mock.
import { mockIPC } from "@tauri-apps/api/mocks";
import type { AppInfo } from "../bindings/AppInfo";
import type { LibraryItem } from "../bindings/LibraryItem";
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

/** A library item with every field filled; override what a test cares about. */
export function libraryItem(
  fields: Partial<LibraryItem> & Pick<LibraryItem, "id" | "kind" | "displayName">,
): LibraryItem {
  return {
    mspId: null,
    apiUrl: null,
    nodes: 1,
    location: null,
    expiresAt: "2030-01-01T00:00:00Z",
    nodeOuEnabled: false,
    issuingCas: [],
    administers: [],
    source: `${fields.displayName}_${fields.kind}.json`,
    importedAt: "2025-11-27T14:27:00Z",
    fileName: `${fields.displayName}_${fields.kind}.json`,
    ...fields,
  };
}

/** Serves app_info/get_settings/update_settings/ui_ready and library_list/library_remove from
 * `library` (plus `extra`, asked first), and records every call. */
export function mockBackend(
  opts: {
    info?: Partial<AppInfo>;
    settings?: Partial<Settings>;
    library?: LibraryItem[];
    extra?: (cmd: string, args: unknown) => unknown;
    /** Passed to mockIPC (default true): event listeners work and tests can emit Tauri
     * events (drag and drop, plan progress). */
    shouldMockEvents?: boolean;
  } = {},
): RecordedCall[] {
  const calls: RecordedCall[] = [];
  const info: AppInfo = { ...TEST_INFO, ...opts.info };
  let settings: Settings = { ...TEST_SETTINGS, ...opts.settings };
  let library: LibraryItem[] = [...(opts.library ?? [])];
  mockIPC(
    (cmd, args) => {
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
        // The shell resumes interrupted plans once secrets are open: none here.
        case "plan_resume_interrupted":
          return [];
        case "library_list":
          return library;
        case "library_remove": {
          const { ids } = args as { ids: string[] };
          const before = library.length;
          library = library.filter((i) => !ids.includes(i.id));
          return before - library.length;
        }
        default:
          throw { code: "NotFound", message: `no mock for ${cmd}`, details: null };
      }
    },
    { shouldMockEvents: opts.shouldMockEvents ?? true },
  );
  return calls;
}
