import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { LANGUAGE_STORAGE_KEY } from "../i18n";
import { mockBackend } from "../test/ipc";

describe("Settings page", () => {
  it("shows the workspace, saves preferences and runs the diagnostics", async () => {
    const user = userEvent.setup();
    const calls = mockBackend({
      extra: (cmd) =>
        cmd === "doctor"
          ? {
              ok: false,
              checks: [
                { name: "Database", status: "ok", detail: "schema 1" },
                { name: "OS keyring", status: "warn", detail: "not running" },
                { name: "Log folder", status: "fail", detail: "read-only" },
              ],
            }
          : undefined,
    });
    window.location.hash = "#/settings";
    render(<App />);
    expect(await screen.findByRole("heading", { level: 1, name: "Settings" })).toBeInTheDocument();
    expect(document.getElementById("settings-data-dir")).toHaveTextContent("/data");

    const save = screen.getByRole("button", { name: "Save changes" });
    expect(save).toBeDisabled();
    await user.selectOptions(screen.getByLabelText("Default page size"), "25");
    await user.click(save);
    expect(await screen.findByText("Your preferences were saved.")).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === "update_settings")?.args).toEqual({
      settings: { language: "en", pageSize: 25, onboarded: true },
    });

    await user.click(screen.getByRole("button", { name: "Run diagnostics" }));
    const checks = await screen.findByRole("list", { name: "Diagnostic checks" });
    const rows = within(checks).getAllByRole("listitem");
    expect(rows.map((r) => r.getAttribute("data-status"))).toEqual(["ok", "warn", "fail"]);
    expect(screen.getByText("Some checks need attention.")).toBeInTheDocument();
  });

  it("switches the language at once, keeps the choice and stores it in the workspace", async () => {
    const user = userEvent.setup();
    const calls = mockBackend();
    window.location.hash = "#/settings";
    render(<App />);
    await user.selectOptions(await screen.findByLabelText("Language"), "zh-CN");
    expect(await screen.findByRole("heading", { level: 1, name: "设置" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "钱包" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("zh-CN");
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("zh-CN");
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "update_settings")?.args).toEqual({
        settings: { language: "zh-CN", pageSize: 15, onboarded: true },
      }),
    );
    await user.selectOptions(screen.getByLabelText("语言"), "en");
    expect(await screen.findByRole("heading", { level: 1, name: "Settings" })).toBeInTheDocument();
  });

  it("shows why saving failed", async () => {
    const user = userEvent.setup();
    mockBackend({
      extra: (cmd) => {
        if (cmd === "update_settings") {
          throw { code: "InvalidInput", message: "pageSize: bad", details: { field: "pageSize" } };
        }
        return undefined;
      },
    });
    window.location.hash = "#/settings";
    render(<App />);
    await user.selectOptions(await screen.findByLabelText("Default page size"), "50");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("A value you entered was not accepted.")).toBeInTheDocument();
  });
});
