import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App, startBoot } from "./App";
import { ERROR_TEXT } from "./errors";
import { resetReadyForTests } from "./ready";
import { libraryItem, mockBackend, TEST_INFO, TEST_SETTINGS } from "./test/ipc";

beforeEach(() => {
  resetReadyForTests();
});

describe("App", () => {
  it("first run: any choice stores onboarded: true, then opens the pages", async () => {
    const user = userEvent.setup();
    const calls = mockBackend({ info: { firstRun: true }, settings: { onboarded: false } });
    render(<App />);
    expect(
      await screen.findByRole("heading", { name: "Welcome to Fabric HA Desktop" }),
    ).toBeVisible();
    expect(screen.queryByRole("navigation")).toBeNull();
    await user.click(screen.getByRole("button", { name: /Add a console/ }));
    expect(await screen.findByRole("heading", { level: 1, name: "Consoles" })).toBeInTheDocument();
    const update = calls.find((c) => c.cmd === "update_settings");
    expect(update?.args).toEqual({ settings: { language: "en", pageSize: 15, onboarded: true } });
    expect(window.location.hash).toBe("#/consoles");
    expect(screen.queryByText("Welcome to Fabric HA Desktop")).toBeNull();
  });

  it("first run: 'Continue with an empty workspace' goes to Nodes", async () => {
    const user = userEvent.setup();
    const calls = mockBackend({ info: { firstRun: true }, settings: { onboarded: false } });
    render(<App />);
    await user.click(
      await screen.findByRole("button", { name: /Continue with an empty workspace/ }),
    );
    expect(await screen.findByRole("heading", { level: 1, name: "Nodes" })).toBeInTheDocument();
    expect(calls.filter((c) => c.cmd === "update_settings")).toHaveLength(1);
  });

  it("sends ui_ready exactly once, after the first page is shown", async () => {
    const calls = mockBackend();
    render(<App />);
    expect(await screen.findByRole("heading", { level: 1, name: "Nodes" })).toBeInTheDocument();
    await waitFor(() => expect(calls.some((c) => c.cmd === "ui_ready")).toBe(true));
    window.location.hash = "#/wallet";
    expect(await screen.findByRole("heading", { level: 1, name: "Wallet" })).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.filter((c) => c.cmd === "ui_ready")).toHaveLength(1);
  });

  it("resumes interrupted plans once, after the first frame, and says so", async () => {
    const calls = mockBackend({
      extra: (cmd) => (cmd === "plan_resume_interrupted" ? ["Org1 HA"] : undefined),
    });
    render(<App />);
    expect(await screen.findByText('Resuming plan "Org1 HA"')).toBeInTheDocument();
    const order = calls.map((c) => c.cmd);
    expect(order.indexOf("ui_ready")).toBeGreaterThanOrEqual(0);
    expect(order.indexOf("ui_ready")).toBeLessThan(order.indexOf("plan_resume_interrupted"));
    expect(order.filter((c) => c === "plan_resume_interrupted")).toHaveLength(1);
  });

  it("does not resume plans while secrets are locked", async () => {
    const calls = mockBackend({ info: { secrets: "locked" } });
    render(<App />);
    expect(await screen.findByRole("heading", { level: 1, name: "Nodes" })).toBeInTheDocument();
    await waitFor(() => expect(calls.some((c) => c.cmd === "ui_ready")).toBe(true));
    expect(calls.some((c) => c.cmd === "plan_resume_interrupted")).toBe(false);
  });

  it("shows the rail with every page and marks the active one", async () => {
    mockBackend();
    window.location.hash = "#/organizations";
    render(<App />);
    expect(
      await screen.findByRole("heading", { level: 1, name: "Organizations" }),
    ).toBeInTheDocument();
    const nav = screen.getByRole("navigation", { name: "Main" });
    const labels = [...nav.querySelectorAll("a")].map((a) => a.getAttribute("aria-label"));
    expect(labels).toEqual([
      "Consoles",
      "Nodes",
      "Organizations",
      "Wallet",
      "HA plans",
      "HA check",
      "Bundles",
      "Settings",
    ]);
    expect(nav.querySelector('[aria-current="page"]')).toHaveAttribute(
      "aria-label",
      "Organizations",
    );
  });

  it("locked secrets: asks for the passphrase and explains a wrong one", async () => {
    const user = userEvent.setup();
    mockBackend({
      info: { secrets: "locked" },
      extra: (cmd, args) => {
        if (cmd !== "unlock_secrets") return undefined;
        if ((args as { passphrase: string }).passphrase !== "right") {
          throw { code: "WrongPassphrase", message: "nope", details: null };
        }
        return {
          version: "0.1.0",
          dataDir: "/data",
          databasePath: "/d",
          logDir: "/l",
          schemaVersion: 1,
          secrets: "passphrase",
          firstRun: false,
        };
      },
    });
    render(<App />);
    const input = await screen.findByLabelText("Passphrase");
    await user.type(input, "wrong");
    await user.click(screen.getByRole("button", { name: "Unlock" }));
    expect(await screen.findByText(ERROR_TEXT.WrongPassphrase.sentence)).toBeInTheDocument();
    await user.clear(input);
    await user.type(input, "right");
    await user.click(screen.getByRole("button", { name: "Unlock" }));
    await waitFor(() => expect(screen.queryByLabelText("Passphrase")).toBeNull());
  });

  it("asks for AppInfo, Settings and the library in one round, before React renders", async () => {
    const calls = mockBackend({
      library: [
        libraryItem({ id: "p1", kind: "peer", displayName: "Org1 Peer0", mspId: "Org1MSP" }),
      ],
    });
    startBoot();
    expect(calls.map((c) => c.cmd).sort()).toEqual(["app_info", "get_settings", "library_list"]);
    render(<App />);
    const tile = await screen.findByRole("article", { name: "Org1 Peer0" });
    expect(tile).toHaveTextContent("Org1MSP");
    expect(tile).toHaveTextContent("Imported");
    // The boot request was taken over, not repeated.
    expect(calls.filter((c) => c.cmd === "library_list")).toHaveLength(1);
  });

  it("starts from the data the window brought along, and asks for none of it", async () => {
    const calls = mockBackend();
    window.__FHD_STARTUP__ = {
      info: TEST_INFO,
      settings: TEST_SETTINGS,
      library: [libraryItem({ id: "c1", kind: "ca", displayName: "Org1 CA" })],
    };
    startBoot();
    expect(window.__FHD_STARTUP__).toBeUndefined();
    render(<App />);
    // The first render is the page itself: no loading phase in between.
    expect(screen.getByRole("heading", { level: 1, name: "Nodes" })).toBeInTheDocument();
    expect(screen.getByRole("article", { name: "Org1 CA" })).toBeInTheDocument();
    await waitFor(() => expect(calls.some((c) => c.cmd === "ui_ready")).toBe(true));
    const asked = calls.map((c) => c.cmd);
    for (const cmd of ["app_info", "get_settings", "library_list"])
      expect(asked).not.toContain(cmd);
  });

  it("asks again after a reload: the window's data is from before it", async () => {
    const calls = mockBackend({ library: [] });
    window.__FHD_STARTUP__ = {
      info: TEST_INFO,
      settings: TEST_SETTINGS,
      library: [libraryItem({ id: "c1", kind: "ca", displayName: "Removed since" })],
    };
    const entries = vi
      .spyOn(performance, "getEntriesByType")
      .mockReturnValue([{ type: "reload" } as unknown as PerformanceEntry]);
    try {
      startBoot();
    } finally {
      entries.mockRestore();
    }
    expect(window.__FHD_STARTUP__).toBeUndefined();
    render(<App />);
    expect(await screen.findByRole("heading", { level: 1, name: "Nodes" })).toBeInTheDocument();
    expect(screen.queryByRole("article", { name: "Removed since" })).toBeNull();
    expect(calls.map((c) => c.cmd)).toEqual(
      expect.arrayContaining(["app_info", "get_settings", "library_list"]),
    );
  });

  it("opens the pages even when the library cannot be read, and says why", async () => {
    mockBackend({
      extra: (cmd) => {
        if (cmd === "library_list") throw { code: "Storage", message: "locked db", details: null };
        return undefined;
      },
    });
    render(<App />);
    expect(await screen.findByRole("heading", { level: 1, name: "Nodes" })).toBeInTheDocument();
    expect(
      await screen.findByText(`The library could not be read: ${ERROR_TEXT.Storage.sentence}`),
    ).toBeInTheDocument();
    expect(screen.getByText("No peers yet")).toBeInTheDocument();
  });

  it("shows a startup error with the human sentence when app_info fails", async () => {
    mockBackend({
      extra: (cmd) => {
        if (cmd === "app_info")
          throw { code: "Storage", message: "database is locked", details: null };
        return undefined;
      },
    });
    render(<App />);
    expect(await screen.findByText(ERROR_TEXT.Storage.sentence)).toBeInTheDocument();
    expect(screen.getByText("database is locked")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});
