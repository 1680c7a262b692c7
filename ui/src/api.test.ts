import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it } from "vitest";
import {
  appInfo,
  doctor,
  getSettings,
  libraryExportDialog,
  libraryImportDialog,
  libraryImportPaths,
  libraryList,
  libraryRemove,
  uiReady,
  unlockSecrets,
  updateSettings,
} from "./api";

describe("api", () => {
  it("calls each command by name with camelCase arguments", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return cmd === "ui_ready" ? null : { cmd };
    });
    await appInfo();
    await getSettings();
    await updateSettings({ language: "zh-CN", pageSize: 25, onboarded: true });
    await doctor();
    await unlockSecrets("s3cret");
    await uiReady(12.5);
    expect(calls.map(([cmd]) => cmd)).toEqual([
      "app_info",
      "get_settings",
      "update_settings",
      "doctor",
      "unlock_secrets",
      "ui_ready",
    ]);
    expect(calls[2]?.[1]).toEqual({
      settings: { language: "zh-CN", pageSize: 25, onboarded: true },
    });
    expect(calls[4]?.[1]).toEqual({ passphrase: "s3cret" });
    expect(calls[5]?.[1]).toEqual({ pageMs: 12.5 });
  });

  it("calls the library commands with their arguments", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return null;
    });
    await libraryList();
    await libraryImportPaths(["/a/Org1 CA_ca.json", "/a/FOC.zip"]);
    await libraryImportDialog();
    await libraryExportDialog(["i1"], true);
    await libraryExportDialog([], false, "zip");
    await libraryRemove(["p1", "p2"]);
    expect(calls).toEqual([
      ["library_list", {}],
      ["library_import_paths", { paths: ["/a/Org1 CA_ca.json", "/a/FOC.zip"] }],
      ["library_import_dialog", {}],
      ["library_export_dialog", { ids: ["i1"], includePrivateKeys: true, format: "auto" }],
      ["library_export_dialog", { ids: [], includePrivateKeys: false, format: "zip" }],
      ["library_remove", { ids: ["p1", "p2"] }],
    ]);
  });

  it("rejects with the backend's IpcError", async () => {
    mockIPC(() => {
      throw { code: "Storage", message: "disk full", details: null };
    });
    await expect(doctor()).rejects.toEqual({
      code: "Storage",
      message: "disk full",
      details: null,
    });
  });
});
