import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import type { DoctorReport } from "../bindings/DoctorReport";
import { i18n, LANGUAGE_STORAGE_KEY } from "../i18n";
import { mockBackend } from "../test/ipc";

/** What `fabric-ha doctor` answers: three checks, one of each status. */
const REPORT: DoctorReport = {
  ok: false,
  checks: [
    {
      id: "database",
      name: "database",
      status: "ok",
      code: "databaseFound",
      params: {
        path: "/data/workspace.sqlite",
        schema: "1",
        known: "1",
        journal: "wal",
        secrets: "keyring",
      },
      detail:
        "/data/workspace.sqlite: schema version 1 (this build knows 1), journal mode wal, secrets keyring",
    },
    {
      id: "keyring",
      name: "keyring",
      status: "warn",
      code: "keyringPassphrase",
      params: { reason: "Secret Service is not running" },
      detail:
        "Secret Service is not running; secrets will be protected by a passphrase (prompted, or FABRIC_HA_PASSPHRASE)",
    },
    {
      id: "fabricBinaries",
      name: "fabric binaries",
      status: "fail",
      code: "fabricBinsMissing",
      params: {
        programs: "configtxgen 2.5.16, osnadmin",
        unversioned: "osnadmin",
        source: "FABRIC_BIN",
        dirs: "/opt/fabric/bin",
        broken: "",
        missing: "peer, orderer",
        lookedIn: "/opt/fabric/bin",
      },
      detail:
        "missing peer, orderer (looked in /opt/fabric/bin); found configtxgen 2.5.16, osnadmin (no version command); the sandbox and the real-network tests need them, the app does not: get hyperledger-fabric-linux-amd64-2.5.x.tar.gz and hyperledger-fabric-ca-linux-amd64-1.5.x.tar.gz from the Fabric releases page, unpack both into one folder and set FABRIC_BIN=<folder>/bin (or pass --fabric-bin <folder>/bin)",
    },
  ],
};

describe("Settings page", () => {
  it("shows the workspace, saves preferences and runs the diagnostics", async () => {
    const user = userEvent.setup();
    const calls = mockBackend({
      extra: (cmd) => (cmd === "doctor" ? REPORT : undefined),
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
    expect(rows.map((r) => r.querySelector(".fhd-check__name")?.textContent)).toEqual([
      "database",
      "keyring",
      "fabric binaries",
    ]);
    expect(rows.map((r) => r.querySelector(".fhd-check__detail")?.textContent)).toEqual(
      REPORT.checks.map((c) => c.detail),
    );
  });

  it("words the diagnostic checks in Chinese, paths and program names as they are", async () => {
    const user = userEvent.setup();
    mockBackend({ extra: (cmd) => (cmd === "doctor" ? REPORT : undefined) });
    localStorage.setItem(LANGUAGE_STORAGE_KEY, "zh-CN");
    await i18n.changeLanguage("zh-CN");
    try {
      window.location.hash = "#/settings";
      render(<App />);
      await user.click(await screen.findByRole("button", { name: "运行诊断" }));
      const checks = await screen.findByRole("list", { name: "诊断检查" });
      const rows = within(checks).getAllByRole("listitem");
      expect(rows.map((r) => r.querySelector(".fhd-check__name")?.textContent)).toEqual([
        "数据库",
        "密钥环",
        "Fabric 程序",
      ]);
      expect(rows.map((r) => r.querySelector(".fhd-check__detail")?.textContent)).toEqual([
        "/data/workspace.sqlite：架构版本 1（此版本支持 1），日志模式 wal，机密信息由密钥环保护",
        "Secret Service is not running；将使用口令保护机密信息（提示输入，或通过 FABRIC_HA_PASSPHRASE）",
        "缺少 peer、orderer（查找位置：/opt/fabric/bin）；已找到 configtxgen 2.5.16、osnadmin（无版本命令）；沙箱和真实网络测试需要这些程序，应用本身不需要：请从 Fabric 发布页面获取 hyperledger-fabric-linux-amd64-2.5.x.tar.gz 和 hyperledger-fabric-ca-linux-amd64-1.5.x.tar.gz，将两者解压到同一个文件夹，并设置 FABRIC_BIN=<folder>/bin（或传入 --fabric-bin <folder>/bin）",
      ]);
    } finally {
      await i18n.changeLanguage("en");
    }
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
