// The HA check page in real Chromium against the mock bundle: reached from the rail with a
// console + MSP, and from the plan report's link; the loading state while the check reads every
// console and peer; a green check; a red one (a region's peer not joined) whose cells say what to
// do and open the peer panel or copy the missing peer between consoles; the exports; and errors
// with their fix.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  englishLeftovers,
  ipcCallsOf,
  overflowing,
  screenshot,
  serveMockApp,
  switchLanguage,
} from "./harness";

const { open } = serveMockApp();

const peer = (page: Page, console: string, name: string) =>
  page.locator(
    `[data-testid="ha-cell"][data-console="${console}"] [data-testid="ha-peer"][data-peer="${name}"]`,
  );

describe("HA check", () => {
  it("from the rail: an MSP through a console, loading, then every region green", async () => {
    const { page, errors } = await open("#/nodes");
    await page.locator('a[data-route="ha-check"]').click();
    expect(await page.locator('a[data-route="ha-check"]').getAttribute("aria-current")).toBe(
      "page",
    );
    await page.locator("#ha-check-console").selectOption("Dallas");
    await page.locator("#ha-check-msp").fill("Org1MSP");
    await page.getByTestId("ha-check-msp-go").click();
    await expect.poll(() => page.getByTestId("ha-loading").isVisible()).toBe(true);
    expect(await page.getByTestId("ha-loading").textContent()).toContain(
      "Reading every console and every peer of Org1MSP through Dallas",
    );
    await expect.poll(() => page.getByTestId("ha-check").getAttribute("data-state")).toBe("done");
    expect(await page.getByTestId("ha-verdict").getAttribute("data-survives")).toBe("true");
    expect(await page.getByTestId("ha-verdict").textContent()).toContain(
      "Every channel survives the loss of any one region",
    );
    expect(
      await page
        .getByTestId("ha-region")
        .evaluateAll((hs) => hs.map((h) => h.getAttribute("data-console"))),
    ).toEqual(["Dallas", "Frankfurt", "Tokyo"]);
    expect(await page.getByTestId("ha-peer").count()).toBe(5);
    expect(await page.getByTestId("ha-action").count()).toBe(0);
    expect(await page.getByTestId("ha-chaincode").textContent()).toContain("asset 1.0");
    expect(
      await page
        .getByTestId("ha-loss")
        .evaluateAll((cs) => cs.map((c) => c.getAttribute("data-survives"))),
    ).toEqual(["true", "true", "true"]);
    expect((await ipcCallsOf(page, "ha_check")).map((c) => c.args)).toEqual([
      { plan: null, console: "Dallas", mspId: "Org1MSP", tlsIdentity: null },
    ]);

    // Refresh runs it again.
    await page.getByTestId("ha-refresh").click();
    await expect.poll(async () => (await ipcCallsOf(page, "ha_check")).length).toBe(2);
    await expect.poll(() => page.getByTestId("ha-check").getAttribute("data-state")).toBe("done");
    expect(errors).toEqual([]);
  });

  it("red: a region's peer not joined — what to do, the peer panel, import into a console, exports", async () => {
    // Peers that require mutual TLS: the check presents the wallet identity the address names.
    const { page, errors } = await open(
      "?library=demo&haCheck=red#/ha-check?plan=Org1+HA&tls=lib-identity-org1admin",
    );
    await expect.poll(() => page.getByTestId("ha-check").getAttribute("data-state")).toBe("done");
    expect((await ipcCallsOf(page, "ha_check"))[0]?.args).toEqual({
      plan: "Org1 HA",
      console: null,
      mspId: null,
      tlsIdentity: "lib-identity-org1admin",
    });
    await expect
      .poll(() => page.locator("#ha-check-tls").inputValue())
      .toBe("lib-identity-org1admin");
    expect(await page.getByTestId("ha-verdict").textContent()).toContain(
      "presenting the TLS certificate of org1admin",
    );
    const channel = page.locator('[data-testid="ha-channel"][data-channel="mychannel"]');
    expect(await channel.getAttribute("data-survives")).toBe("false");
    expect(await channel.locator("h2").textContent()).toContain("Breaks if Dallas is lost");
    const dallasLoss = page.locator('[data-testid="ha-loss"][data-console="Dallas"]');
    expect(await dallasLoss.getByTestId("ha-reason").allTextContents()).toEqual([
      "no peer outside us-south is running, joined to mychannel, caught up and has every chaincode",
      "no anchor peer of the organization outside us-south: make a peer of another region an anchor peer",
    ]);

    const peer2 = peer(page, "Frankfurt", "Org1 Peer2");
    expect(await peer2.getAttribute("data-red")).toBe("true");
    expect(await peer2.getByTestId("ha-todo").textContent()).toBe(
      "join it to mychannel (`fabric-ha peer join`)",
    );
    expect(await peer(page, "Tokyo", "Org1 Peer3").textContent()).toContain("Stopped");
    expect(
      await peer(page, "Tokyo", "Org1 Peer4")
        .getByTestId("ha-action")
        .evaluateAll((bs) => bs.map((b) => b.getAttribute("data-action"))),
    ).toEqual(["install", "anchor"]);
    await screenshot(page, "ha-check");

    // Join channel… opens the peer panel of Frankfurt's peer at the join form.
    await peer2.getByRole("button", { name: "Join channel…" }).click();
    const panel = page.locator("#peer-panel");
    await expect.poll(() => panel.getByTestId("peer-panel").getAttribute("data-view")).toBe("join");
    expect(await panel.textContent()).toContain("Org1 Peer2");
    // The panel presents the check's client TLS identity too.
    expect(await panel.locator("#peer-tls-identity").inputValue()).toBe("lib-identity-org1admin");
    expect((await ipcCallsOf(page, "console_components")).map((c) => c.args)).toContainEqual({
      name: "Frankfurt",
      fresh: false,
    });
    await panel.getByRole("button", { name: "Close" }).first().click();
    await expect.poll(() => panel.isVisible()).toBe(false);

    // Frankfurt's console lacks Org1 Peer1: copied from Dallas, which lists it.
    const gap = page.locator('[data-testid="ha-console"][data-console="Frankfurt"]');
    expect(await gap.textContent()).toContain("Does not list Org1 Peer1");
    await gap.getByTestId("ha-import").click();
    await expect.poll(async () => (await ipcCallsOf(page, "console_copy")).length).toBe(1);
    expect((await ipcCallsOf(page, "console_copy"))[0]?.args).toEqual({
      from: "Dallas",
      to: "Frankfurt",
      componentIds: ["org1peer1"],
    });
    const report = page.locator("#console-report-panel");
    await expect.poll(() => report.textContent()).toContain("Org1 Peer1");
    await report.getByRole("button", { name: "Close" }).first().click();
    await expect.poll(() => report.isVisible()).toBe(false);

    // The exports write the check shown.
    await page.getByTestId("ha-export-md").click();
    await expect
      .poll(async () => (await ipcCallsOf(page, "ha_check_export_dialog")).length)
      .toBe(1);
    const shown = (await ipcCallsOf(page, "ha_check_export_dialog"))[0]?.args as {
      checkedAt: string;
      markdown: boolean;
    };
    expect(shown.markdown).toBe(true);
    await expect
      .poll(() => page.getByText(/Saved to .*ha-check-Org1MSP-.*\.md/).isVisible())
      .toBe(true);
    await page.getByTestId("ha-export-json").click();
    await expect
      .poll(async () => (await ipcCallsOf(page, "ha_check_export_dialog")).length)
      .toBe(2);
    expect((await ipcCallsOf(page, "ha_check_export_dialog"))[1]?.args).toEqual({
      checkedAt: shown.checkedAt,
      markdown: false,
    });
    expect(errors).toEqual([]);
  });

  it("from the all-regions view: an MSP tile's menu runs the check of its organization", async () => {
    const { page, errors } = await open("#/consoles/regions");
    const tile = page.locator(
      '[data-testid="region-column"][data-console="Dallas"] [data-testid="region-tile"][data-kind="msp"][data-name="Org1 MSP"]',
    );
    await tile.getByRole("button", { name: "Actions for Org1 MSP" }).click();
    await page.getByRole("menuitem", { name: "HA check of Org1MSP" }).click();
    await expect.poll(() => page.getByTestId("ha-check").getAttribute("data-state")).toBe("done");
    expect(await page.evaluate(() => window.location.hash)).toBe(
      "#/ha-check?console=Dallas&msp=Org1MSP",
    );
    expect((await ipcCallsOf(page, "ha_check")).map((c) => c.args)).toEqual([
      { plan: null, console: "Dallas", mspId: "Org1MSP", tlsIdentity: null },
    ]);
    expect(errors).toEqual([]);
  });

  it("errors say what happened and what to do", async () => {
    const { page, errors } = await open("#/ha-check?console=Dallas&msp=Org9MSP");
    await expect.poll(() => page.getByTestId("ha-check").getAttribute("data-state")).toBe("failed");
    expect(await page.getByTestId("ha-error").textContent()).toContain(
      'holds no peer or MSP definition of "Org9MSP"',
    );
    const failing = await open("?fail=ha_check#/ha-check?console=Dallas&msp=Org1MSP");
    await expect
      .poll(() => failing.page.getByTestId("ha-check").getAttribute("data-state"))
      .toBe("failed");
    expect(await failing.page.getByTestId("ha-error").textContent()).toContain(
      "ha_check failed (mock)",
    );
    expect(errors).toEqual([]);
  });
});

describe("HA check in Chinese", () => {
  it("red check in zh-CN: the matrix in the console's terms, nothing English left, every cell fits", async () => {
    const { page, errors } = await open("?haCheck=red#/ha-check?plan=Org1+HA");
    try {
      await switchLanguage(page, "zh-CN");
      await expect.poll(() => page.getByTestId("ha-check").getAttribute("data-state")).toBe("done");
      const matrix = page.locator('[data-testid="ha-matrix"][data-channel="mychannel"]');
      expect(await matrix.locator("th").first().textContent()).toBe("区域");
      expect(await matrix.locator(".fhd-hc-rowhead").allTextContents()).toEqual([
        "对等节点",
        expect.stringContaining("asset 1.0"),
        "控制台列出所有对等节点",
        "如果此区域丢失",
      ]);
      const peer2 = peer(page, "Frankfurt", "Org1 Peer2");
      expect(await peer2.textContent()).toContain("未加入");
      expect(await peer2.getByTestId("ha-action").textContent()).toBe("加入通道…");
      expect(
        await peer(page, "Tokyo", "Org1 Peer4").getByTestId("ha-action").allTextContents(),
      ).toEqual(["安装链码…", "设为锚点对等节点…"]);
      expect(
        await page.locator('[data-testid="ha-loss"][data-console="Dallas"]').textContent(),
      ).toContain("中断");
      expect(
        await page.locator('[data-testid="ha-console"][data-console="Frankfurt"]').textContent(),
      ).toContain("未列出 Org1 Peer1");
      expect(await page.getByTestId("ha-import").first().textContent()).toBe("从 Dallas 导入");
      const names = [
        "Org1 HA",
        "Org1MSP",
        "Org1 Peer",
        "Dallas",
        "Frankfurt",
        "Tokyo",
        "us-south",
        "eu-de",
        "jp-tok",
        "mychannel",
        "asset",
        "JSON",
        "Markdown",
        "MSP",
      ];
      const texts = "h1, h2, th, .fhd-hc-rowhead, button, .fhd-hc-square";
      expect(await englishLeftovers(page, '[data-testid="ha-check-page"]', texts, names)).toEqual(
        [],
      );
      expect(await overflowing(page, '[data-testid="ha-matrix"] td')).toEqual([]);
      await screenshot(page, "ha-check-zh-CN");
      expect(errors).toEqual([]);
    } finally {
      await switchLanguage(page, "en");
    }
  });
});
