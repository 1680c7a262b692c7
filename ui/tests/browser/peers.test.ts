// One peer at a time, in real Chromium against the mock bundle: the peer panel from a console's
// tile and from the all-regions view (channels with heights, anchor peers, installed chaincode),
// joining a channel with its catch-up, installing from another peer, from the package dialog
// and by dropping a package onto the panel, "Make anchor peer", and errors with the core's
// message and fix.
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  englishLeftovers,
  ipcCallsOf,
  overflowing,
  panelOpen,
  screenshot,
  serveMockApp,
  switchLanguage,
} from "./harness";

const { open } = serveMockApp();

const PACKAGE_ID = /^[\w.]+:[0-9a-f]{64}$/;

/** The peer panel, once it has slid in completely. */
async function peerPanel(page: Page): Promise<Locator> {
  const panel = page.locator("#peer-panel");
  await panelOpen(panel);
  return panel;
}

const channelRow = (panel: Locator, channel: string) =>
  panel.locator(`[data-testid="peer-channel"][data-channel="${channel}"]`);
const packageIds = (panel: Locator) =>
  panel
    .getByTestId("peer-package")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-package") ?? ""));
const notice = (panel: Locator) => panel.getByTestId("peer-notice");

/** Opens a peer's ⋮ menu in the all-regions view and picks `item`. */
async function regionMenu(page: Page, console: string, peer: string, item: string) {
  const tile = page.locator(
    `[data-testid="region-column"][data-console="${console}"] [data-testid="region-tile"][data-name="${peer}"]`,
  );
  await tile.getByRole("button", { name: `Actions for ${peer}` }).click();
  await page.getByRole("menuitem", { name: item }).click();
  return peerPanel(page);
}

describe("Peers, one at a time", () => {
  it("a console's peer tile opens its channels with heights and anchor peers, and its chaincode", async () => {
    const { page, errors } = await open("#/consoles/c/Dallas");
    await page.getByRole("button", { name: "Show details of Org1 Peer0" }).click();
    const panel = await peerPanel(page);
    expect(await panel.locator(".cds--modal-header__heading").textContent()).toBe("Org1 Peer0");

    await expect.poll(() => channelRow(panel, "mychannel").getAttribute("data-height")).toBe("12");
    expect(await channelRow(panel, "assets").getAttribute("data-height")).toBe("5");
    await expect
      .poll(() => channelRow(panel, "mychannel").getByTestId("peer-is-anchor").isVisible())
      .toBe(true);
    expect(await channelRow(panel, "mychannel").getByTestId("peer-anchors").textContent()).toBe(
      "127.0.0.1:7051",
    );
    await expect
      .poll(() => channelRow(panel, "assets").getByTestId("peer-make-anchor").isVisible())
      .toBe(true);

    await expect.poll(() => packageIds(panel)).toHaveLength(4);
    const ids = await packageIds(panel);
    expect(ids.map((id) => id.split(":")[0])).toEqual([
      "asset_0.9",
      "asset_1.0",
      "basic_1.0",
      "events_1.0",
    ]);
    for (const id of ids) expect(id).toMatch(PACKAGE_ID);
    const asset = panel.locator(`[data-package="${ids[1]}"]`);
    expect(await asset.textContent()).toContain("mychannel: asset 1.0");
    expect(await panel.getByTestId("peer-signed-by").textContent()).toBe("Signed by org1admin");
    expect((await ipcCallsOf(page, "peer_channels")).map((c) => c.args)).toEqual([
      { peer: "Dallas/org1peer0", identity: null, tlsIdentity: null },
    ]);
    await screenshot(page, "peer-panel", true);
    expect(errors).toEqual([]);
  });

  it("all regions ⋮ → Join channel…: the catch-up, then the new channel and its height", async () => {
    const { page, errors } = await open("#/consoles/regions");
    const panel = await regionMenu(page, "Frankfurt", "Org1 Peer2", "Join channel…");
    expect(await panel.getByTestId("peer-panel").getAttribute("data-view")).toBe("join");
    await panel.locator("#peer-join-channel").fill("assets");
    await panel.locator("#peer-join-submit").click();
    const bar = panel.getByTestId("peer-join-progress");
    await expect.poll(() => bar.isVisible()).toBe(true);
    expect(await bar.textContent()).toMatch(/Catching up: block \d of 5|Caught up: height 5/);
    await expect
      .poll(() => notice(panel).textContent())
      .toContain("Org1 Peer2 joined assets with block 0 from Org1 Peer0 (height 5, caught up).");
    await expect.poll(() => channelRow(panel, "assets").getAttribute("data-height")).toBe("5");
    expect((await ipcCallsOf(page, "peer_join")).map((c) => c.args)).toEqual([
      {
        input: {
          peer: "Frankfurt/org1peer2",
          channel: "assets",
          from: null,
          identity: null,
          tlsIdentity: null,
        },
      },
    ]);

    // Joined already: nothing is sent, and the panel says so.
    await panel.getByRole("button", { name: "Join channel…" }).click();
    await panel.locator("#peer-join-channel").fill("mychannel");
    await panel.locator("#peer-join-submit").click();
    await expect
      .poll(() => notice(panel).textContent())
      .toContain("Org1 Peer2 had already joined mychannel (height 12); nothing was sent.");
    expect(errors).toEqual([]);
  });

  it("Install chaincode… from another peer of the organization, by the dialog, and by a drop", async () => {
    const { page, errors } = await open("#/consoles/regions");
    const panel = await regionMenu(page, "Frankfurt", "Org1 Peer2", "Install chaincode…");
    await expect
      .poll(() => panel.locator("#peer-install-source option").allTextContents())
      .toContain("Org1 Peer0 (Dallas/org1peer0)");
    await panel.locator("#peer-install-source").selectOption("Dallas/org1peer0");
    // Its four packages, and "every package used on a channel" (the default).
    await expect.poll(() => panel.locator("#peer-install-package option").count()).toBe(5);
    await panel.locator("#peer-install-submit").click();
    // asset_1.0 was there already; basic and events are copied; events is a ccaas package.
    await expect
      .poll(() => notice(panel).textContent())
      .toMatch(/Installed basic_1\.0:[0-9a-f]{64}, events_1\.0:[0-9a-f]{64} on Org1 Peer2/);
    expect(await notice(panel).textContent()).toContain("asset_1.0:");
    expect(await notice(panel).textContent()).toContain("chaincode-as-a-service");
    expect(await notice(panel).getAttribute("class")).toContain("warning");
    await expect
      .poll(async () => (await packageIds(panel)).map((id) => id.split(":")[0]))
      .toEqual(["asset_1.0", "basic_1.0", "events_1.0"]);

    // The native dialog (the mock answers ~/Downloads/asset_2.0.tar.gz).
    await panel.getByRole("button", { name: "Install chaincode…" }).click();
    await panel.locator('label[for="peer-install-mode-file"]').click();
    await panel.locator("#peer-install-choose").click();
    await expect
      .poll(() =>
        panel.getByTestId("peer-install-file").locator(".fhd-peer-file__name").textContent(),
      )
      .toBe("asset_2.0.tar.gz");
    await panel.locator("#peer-install-submit").click();
    await expect
      .poll(() => notice(panel).textContent())
      .toMatch(/Installed asset_2\.0:[0-9a-f]{64} on Org1 Peer2\./);

    // A package dropped on the window while the panel is open goes to the install form.
    const overlay = page.getByTestId("drop-overlay");
    const paths = ["/home/operator/Downloads/marbles_2.1.tar.gz"];
    const position = { x: 1000, y: 400 };
    await expect
      .poll(async () => {
        await page.evaluate(
          ([p, pos]) => window.__emitTauriEvent("tauri://drag-enter", { paths: p, position: pos }),
          [paths, position] as const,
        );
        return overlay.isVisible();
      })
      .toBe(true);
    expect(await overlay.textContent()).toContain(
      "Drop a chaincode package to install it on Org1 Peer2",
    );
    await page.evaluate(
      ([p, pos]) => window.__emitTauriEvent("tauri://drag-drop", { paths: p, position: pos }),
      [paths, position] as const,
    );
    await expect
      .poll(() =>
        panel.getByTestId("peer-install-file").locator(".fhd-peer-file__name").textContent(),
      )
      .toBe("marbles_2.1.tar.gz");
    await panel.locator("#peer-install-submit").click();
    await expect
      .poll(() => notice(panel).textContent())
      .toMatch(/Installed marbles_2\.1:[0-9a-f]{64} on Org1 Peer2\./);
    // The drop was the panel's: nothing went to the library import.
    expect(await ipcCallsOf(page, "library_import_paths")).toEqual([]);
    const installs = (await ipcCallsOf(page, "peer_install")).map(
      (c) => (c.args as { input: { from: unknown } }).input.from,
    );
    expect(installs).toEqual([
      { peer: { peer: "Dallas/org1peer0", packageId: null } },
      { file: "/home/operator/Downloads/asset_2.0.tar.gz" },
      { file: "/home/operator/Downloads/marbles_2.1.tar.gz" },
    ]);
    expect(errors).toEqual([]);
  });

  it("Make anchor peer: one update adds the peer to the organization's anchor peers", async () => {
    const { page, errors } = await open("#/consoles/c/Frankfurt");
    await page.getByRole("button", { name: "Show details of Org1 Peer2" }).click();
    const panel = await peerPanel(page);
    const row = channelRow(panel, "mychannel");
    const make = row.getByTestId("peer-make-anchor");
    await expect.poll(() => make.isVisible()).toBe(true);
    expect(await row.getByTestId("peer-anchors").textContent()).toBe("127.0.0.1:7051");
    await make.click();
    await expect.poll(() => row.getByTestId("peer-is-anchor").isVisible()).toBe(true);
    expect(await row.getByTestId("peer-anchors").textContent()).toBe(
      "127.0.0.1:7051, 127.0.0.1:8051",
    );
    expect(await notice(panel).textContent()).toContain(
      "Org1 Peer2 is now an anchor peer of Org1MSP in mychannel (orderer 127.0.0.1:7050: SUCCESS (200), config block 12).",
    );
    // The config block is a block: the channel is one block higher everywhere.
    await expect.poll(() => row.getAttribute("data-height")).toBe("13");
    expect((await ipcCallsOf(page, "channel_add_anchors")).map((c) => c.args)).toEqual([
      {
        input: {
          channel: "mychannel",
          peers: ["Frankfurt/org1peer2"],
          orderer: null,
          identity: null,
          tlsIdentity: null,
        },
      },
    ]);
    expect(errors).toEqual([]);
  });

  it("errors show the sentence, the fix and the node's own message, naming the identity", async () => {
    const { page, errors } = await open("?library=demo#/consoles/c/Dallas");
    await page.getByRole("button", { name: "Show details of Legacy Peer" }).click();
    let panel = await peerPanel(page);
    const unreachable = panel.getByTestId("peer-error").first();
    await expect.poll(() => unreachable.getAttribute("data-code")).toBe("fabric_unreachable");
    expect(await unreachable.textContent()).toContain(
      "The channels could not be read: The peer or orderer could not be reached.",
    );
    expect(await unreachable.getByTestId("peer-error-fix").textContent()).toContain(
      "Check that the node runs",
    );
    expect(await unreachable.getByTestId("peer-error-detail").textContent()).toMatch(
      /Legacy Peer \(127\.0\.0\.1:7251 cscc\.GetChannels\), signed by wallet identity "org1admin": .*Connection refused/,
    );
    await panel.locator(".fhd-side-panel__footer").getByRole("button", { name: "Close" }).click();
    await expect.poll(() => panel.count()).toBe(0);

    // A wallet identity that is not an admin of Org1MSP: the peer's refusal and the fix.
    await page.getByRole("button", { name: "Show details of Org1 Peer0" }).click();
    panel = await peerPanel(page);
    await expect.poll(() => channelRow(panel, "mychannel").count()).toBe(1);
    await panel.locator("#peer-identity").selectOption({ label: "ordereradmin" });
    const refused = panel.getByTestId("peer-error").first();
    await expect.poll(() => refused.getAttribute("data-code")).toBe("not_an_admin");
    expect(await refused.textContent()).toContain(
      "The node refused the signing identity: it is not an admin of the organization.",
    );
    expect(await refused.getByTestId("peer-error-fix").textContent()).toContain(
      "Sign with the organization's admin",
    );
    expect(await refused.getByTestId("peer-error-detail").textContent()).toContain(
      "access denied: channel [] creator org unknown",
    );
    expect(await panel.getByTestId("peer-signed-by").textContent()).toBe("Signed by ordereradmin");
    expect((await ipcCallsOf(page, "peer_channels")).at(-1)?.args).toEqual({
      peer: "Dallas/org1peer0",
      identity: "lib-identity-ordereradmin",
      tlsIdentity: null,
    });
    expect(errors).toEqual([]);
  });
});

describe("Peers in Chinese", () => {
  it("the peer panel in zh-CN: channels, anchor peers, chaincode, join and install in Chinese, the panel fits", async () => {
    const { page, errors } = await open("#/consoles/c/Dallas");
    try {
      await switchLanguage(page, "zh-CN");
      // The tile's details button, named in Chinese around the peer's name.
      await page
        .getByRole("button", { name: /Org1 Peer0/ })
        .first()
        .click();
      const panel = await peerPanel(page);
      await expect
        .poll(() => channelRow(panel, "mychannel").getAttribute("data-height"))
        .toBe("12");
      await expect
        .poll(() => channelRow(panel, "mychannel").getByTestId("peer-is-anchor").textContent())
        .toBe("锚点对等节点");
      expect(await panel.locator("#peer-channels-title").textContent()).toBe("通道");
      expect(await panel.locator("#peer-chaincodes-title").textContent()).toBe("已安装的链码");
      expect(await panel.locator('[data-testid="peer-channels"] th').allTextContents()).toEqual([
        "通道",
        "高度",
        "Org1MSP 的锚点对等节点",
        "操作",
      ]);
      await expect
        .poll(() => channelRow(panel, "assets").getByTestId("peer-make-anchor").textContent())
        .toBe("设为锚点对等节点");
      expect(await panel.getByTestId("peer-signed-by").textContent()).toBe("签名身份：org1admin");
      // "TLS" stays a protocol's name in the console's Chinese documentation too.
      const names = ["Org1 Peer0", "Org1MSP", "MSP ID", "URL", "Dallas", "ID", "mychannel", "TLS"];
      const texts = "h2, h3, th, dt, label, button";
      expect(await englishLeftovers(page, "#peer-panel", texts, names)).toEqual([]);
      expect(await overflowing(page, "#peer-panel .cds--modal-container")).toEqual([]);

      // Join channel… and Install chaincode… in Chinese.
      await panel.getByRole("button", { name: "加入通道…" }).click();
      expect(await panel.locator(".cds--modal-header__heading").textContent()).toBe("加入通道");
      await panel.locator("#peer-join-submit").click();
      expect(await panel.getByText("请输入通道名称。").isVisible()).toBe(true);
      expect(await englishLeftovers(page, "#peer-panel", texts, names)).toEqual([]);
      await panel.getByRole("button", { name: "返回" }).click();
      await panel.getByRole("button", { name: "安装链码…" }).click();
      expect(await panel.locator(".cds--modal-header__heading").textContent()).toBe("安装链码");
      expect(await panel.textContent()).toContain("该组织的另一个对等节点");
      expect(await englishLeftovers(page, "#peer-panel", texts, names)).toEqual([]);
      expect(await overflowing(page, "#peer-panel .cds--modal-container")).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await switchLanguage(page, "en");
    }
  });
});
