// The app in real Chromium against the mock bundle (dist-mock): navigation, views, first run,
// settings, the passphrase prompt, measured styles, and the docs/screenshots.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  ipcCalls,
  ipcCallsOf,
  PROD_DIST,
  panelOpen,
  screenshot,
  serveMockApp,
  UI_DIR,
} from "./harness";

const { open } = serveMockApp();

const h1 = (page: Page) => page.locator("h1");
const sectionTitles = (page: Page) => page.locator("h2.fhd-section__title").allTextContents();

describe("Fabric HA Desktop in Chromium", () => {
  it("loads without console errors and reports ui_ready once", async () => {
    const { page, errors } = await open("#/nodes");
    await expect.poll(() => h1(page).textContent()).toBe("Nodes");
    await page.waitForTimeout(300);
    const calls = await ipcCalls(page);
    expect(calls.filter((c) => c.cmd === "ui_ready")).toHaveLength(1);
    // AppInfo, Settings and the library: one round of parallel requests before React mounts.
    expect(
      calls
        .slice(0, 3)
        .map((c) => c.cmd)
        .sort(),
    ).toEqual(["app_info", "get_settings", "library_list"]);
    expect(calls.filter((c) => c.cmd === "library_list")).toHaveLength(1);
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => document.fonts.check('16px "IBM Plex Sans"'))).toBe(true);
  });

  it("navigates Nodes → Organizations → Wallet with the rail", async () => {
    const { page, errors } = await open("");
    await expect.poll(() => h1(page).textContent()).toBe("Nodes");
    expect(await sectionTitles(page)).toEqual([
      "Peers",
      "Certificate Authorities",
      "Ordering services",
    ]);
    await expect.poll(() => page.getByText("No peers yet").isVisible()).toBe(true);
    expect(await page.getByText("No Certificate Authorities yet").isVisible()).toBe(true);
    expect(await page.getByText("No ordering services yet").isVisible()).toBe(true);
    expect(await page.getByText(/drop exported files anywhere on this window/).count()).toBe(3);

    await page.locator('nav [aria-label="Organizations"]').click();
    await expect.poll(() => h1(page).textContent()).toBe("Organizations");
    expect(page.url()).toMatch(/#\/organizations$/);
    expect(await sectionTitles(page)).toEqual(["Available organizations"]);
    expect(await page.getByText("No organizations yet").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: /Create MSP definition/ }).isDisabled()).toBe(
      true,
    );
    expect(await page.locator('nav [aria-current="page"]').getAttribute("aria-label")).toBe(
      "Organizations",
    );

    await page.locator('nav [aria-label="Wallet"]').click();
    await expect.poll(() => h1(page).textContent()).toBe("Wallet");
    expect(await sectionTitles(page)).toEqual(["Identities"]);
    expect(await page.getByText("No identities yet").isVisible()).toBe(true);

    for (const [label, title] of [
      ["Consoles", "Consoles"],
      ["HA plans", "HA plans"],
      ["Bundles", "Bundles"],
      ["Settings", "Settings"],
      ["Nodes", "Nodes"],
    ]) {
      await page.locator(`nav [aria-label="${label}"]`).click();
      await expect.poll(() => h1(page).textContent()).toBe(title);
    }
    expect(errors).toEqual([]);
  });

  it("shows every status in grid view, and the console's columns in list view", async () => {
    const { page, errors } = await open("?tiles=demo#/nodes");
    await expect.poll(() => page.locator("#peers article").count()).toBe(5);
    const squares = await page
      .locator(".fhd-status-square")
      .evaluateAll((els) =>
        els.map((el) => [el.getAttribute("data-status"), el.getAttribute("aria-label")]),
      );
    expect(new Set(squares.map(([s]) => s))).toEqual(
      new Set(["running", "stopped", "partial", "undetectable", "unknown", "pending"]),
    );
    expect(squares).toContainEqual(["undetectable", "Status undetectable"]);

    for (const section of ["#peers", "#cas", "#orderers"]) {
      await page.locator(section).getByRole("tab", { name: "List view" }).click();
    }
    const headers = (section: string) => page.locator(`${section} table th`).allTextContents();
    await expect
      .poll(() => headers("#peers"))
      .toEqual(["Display name", "MSP ID", "Location", "URL", "Status"]);
    expect(await headers("#cas")).toEqual([
      "Display name",
      "Location",
      "Certificate Authority endpoint URL",
      "Status",
    ]);
    expect(await headers("#orderers")).toEqual([
      "Display name",
      "MSP ID",
      "Location",
      "URL",
      "Status",
    ]);
    expect(await page.locator("#peers tbody tr").count()).toBe(5);
    expect(await page.locator("#peers tbody tr").first().textContent()).toContain("Running");
    // The Import button sits at the right end of the "Filter table" bar.
    const bar = await page.locator("#peers .cds--table-toolbar").boundingBox();
    const button = await page.locator("#peers .fhd-action-btn").boundingBox();
    expect(button && bar && Math.round(button.x + button.width)).toBe(
      bar && Math.round(bar.x + bar.width),
    );
    await screenshot(page, "nodes-list");

    await page.locator("#peers").getByPlaceholder("Filter table").fill("org2");
    await expect.poll(() => page.locator("#peers tbody tr").count()).toBe(2);
    await page.locator("#peers").getByRole("tab", { name: "Grid view" }).click();
    expect(await page.locator("#peers article").count()).toBe(2);
    expect(errors).toEqual([]);
  });

  it("filters tiles in grid view", async () => {
    const { page } = await open("?tiles=demo#/nodes");
    await page.locator("#peers .cds--search-magnifier").click();
    await page.locator("#peers").getByRole("searchbox").fill("frankfurt");
    await expect.poll(() => page.locator("#peers article").count()).toBe(1);
    expect(await page.locator("#peers article h3").textContent()).toBe("Org1 Peer1");
  });

  it("matches the console's measured sizes and colours", async () => {
    const { page } = await open("?tiles=demo#/nodes");
    await expect.poll(() => page.locator("#peers article").count()).toBe(5);
    const m = await page.evaluate(() => {
      const box = (sel: string) => {
        const r = document.querySelector(sel)?.getBoundingClientRect();
        return r ? { x: r.x, y: r.y, w: r.width, h: r.height } : null;
      };
      const css = (sel: string, prop: string, pseudo?: string) => {
        const el = document.querySelector(sel);
        return el ? getComputedStyle(el, pseudo).getPropertyValue(prop) : null;
      };
      return {
        rail: box(".fhd-rail"),
        header: box(".fhd-header"),
        tile: box("#peers article"),
        tileGapX: (() => {
          const [a, b] = document.querySelectorAll("#peers article");
          return a && b ? b.getBoundingClientRect().x - a.getBoundingClientRect().right : null;
        })(),
        title: box("h1"),
        titleFont: [css("h1", "font-size"), css("h1", "font-weight")],
        sectionTitleFont: css(".fhd-section__title", "font-size"),
        tileTitleFont: [
          css(".fhd-tile__title", "font-size"),
          css(".fhd-tile__title", "font-weight"),
        ],
        subtitleFont: css(".fhd-tile__subtitle", "font-size"),
        labelFont: css(".fhd-tile__label", "font-size"),
        bodyFont: css("body", "font-family"),
        pageBg: css("body", "background-color"),
        mainBg: css(".fhd-app", "background-color"),
        tileBg: css("#peers article", "background-color"),
        running: css('#peers .fhd-status-square[data-status="running"]', "background-color"),
        runningBox: box('#peers .fhd-status-square[data-status="running"]'),
        partial: css('.fhd-status-square[data-status="partial"]', "background-color"),
        unknown: css('.fhd-status-square[data-status="unknown"]', "background-color"),
        pending: css('.fhd-status-square[data-status="pending"]', "background-color"),
        stopped: css('.fhd-status-square[data-status="stopped"]', "background-image"),
        undetectable: css('.fhd-status-square[data-status="undetectable"]', "background-image"),
        activeRail: css(".fhd-rail__item--active", "background-color"),
        activeBar: [
          css(".fhd-rail__item--active", "background-color", "::before"),
          css(".fhd-rail__item--active", "width", "::before"),
        ],
        button: box("#peers .fhd-action-btn"),
        switcher: box("#peers .fhd-view-switch"),
      };
    });
    expect(m.rail?.w).toBe(52);
    expect(m.header?.h).toBe(48);
    expect(m.tile).toMatchObject({ x: 136, w: 201, h: 201 });
    expect(m.tileGapX).toBe(2);
    expect(m.title?.x).toBe(136);
    expect(m.titleFont).toEqual(["32px", "400"]);
    expect(m.sectionTitleFont).toBe("20px");
    expect(m.tileTitleFont).toEqual(["16px", "600"]);
    expect(m.subtitleFont).toBe("14px");
    expect(m.labelFont).toBe("12px");
    expect(m.bodyFont).toMatch(/^"IBM Plex Sans"/);
    expect(m.pageBg).toBe("rgb(18, 22, 25)");
    expect(m.mainBg).toBe("rgb(18, 22, 25)");
    expect(m.tileBg).toBe("rgb(33, 39, 42)");
    expect(m.running).toBe("rgb(36, 161, 72)");
    expect(m.runningBox).toMatchObject({ w: 20, h: 20 });
    // Top-right corner of the tile.
    expect(m.runningBox && m.tile && m.runningBox.x + 20).toBe(m.tile && m.tile.x + m.tile.w);
    expect(m.runningBox?.y).toBe(m.tile?.y);
    expect(m.partial).toBe("rgb(241, 194, 27)");
    expect(m.unknown).toBe("rgb(162, 169, 176)");
    expect(m.pending).toBe("rgb(77, 83, 88)");
    expect(m.stopped).toContain("rgb(218, 30, 40)");
    expect(m.stopped).toContain("rgb(117, 14, 19)");
    expect(m.undetectable).toContain("rgb(241, 194, 27)");
    expect(m.undetectable).toContain("rgb(115, 95, 27)");
    expect(m.activeRail).toBe("rgb(52, 58, 63)");
    expect(m.activeBar).toEqual(["rgb(15, 98, 254)", "3px"]);
    expect(m.button?.h).toBe(48);
    // The button sits right on top of the strip's right edge.
    expect(m.button && m.button.x + m.button.w).toBe(1440 - 84);
    expect(m.switcher).toMatchObject({ w: 96, h: 32 });

    await page.locator("#peers").getByRole("tab", { name: "List view" }).click();
    await page.locator("#peers table").waitFor();
    const table = await page.evaluate(() => ({
      head: getComputedStyle(document.querySelector("#peers thead th") as Element).backgroundColor,
      row: getComputedStyle(document.querySelector("#peers tbody td") as Element).backgroundColor,
      dot: getComputedStyle(document.querySelector("#peers .fhd-status-dot--running") as Element)
        .backgroundColor,
    }));
    expect(table).toEqual({
      head: "rgb(52, 58, 63)",
      row: "rgb(33, 39, 42)",
      dot: "rgb(66, 190, 101)",
    });
  });

  it("explains disabled buttons with a tooltip", async () => {
    const { page } = await open("#/organizations");
    const trigger = page.locator('#msps [data-disabled-action="Create MSP definition"]');
    await trigger.hover();
    await expect
      .poll(() => page.locator("#msps").getByText("Coming in a later release").isVisible())
      .toBe(true);
    expect(await trigger.locator("button").isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: /Import MSP definition/ }).isEnabled()).toBe(
      true,
    );
  });

  it("shows the other pages' tiles (organizations, wallet)", async () => {
    const { page } = await open("?tiles=demo#/organizations");
    await expect.poll(() => page.locator("#msps article").count()).toBe(2);
    const msp = await page.locator("#msps article").first().boundingBox();
    expect(msp).toMatchObject({ width: 402 });
    expect(msp && msp.height < 201).toBe(true);
    expect(await page.locator("#msps article").first().textContent()).toContain("Node OU: Enabled");
    expect(await page.locator("#msps .cds--pagination select").first().inputValue()).toBe("6");

    await page.locator('nav [aria-label="Wallet"]').click();
    await expect.poll(() => page.locator("#identities article").count()).toBe(5);
    const id = await page.locator("#identities article").first().boundingBox();
    expect(id && id.height > id.width).toBe(true);
    expect(await page.locator("#identities article").first().textContent()).toMatch(
      /Expiration: 1[12] months/,
    );
    expect(await page.locator("#identities .fhd-status-square").count()).toBe(0);
  });

  it("first run: welcome card, then onboarded: true and the chosen page", async () => {
    const { page, errors } = await open("?firstRun=1");
    await expect
      .poll(() => page.getByRole("heading", { name: "Welcome to Fabric HA Desktop" }).isVisible())
      .toBe(true);
    expect(await page.locator("nav.fhd-rail").count()).toBe(0);
    await screenshot(page, "first-run");
    await page.getByRole("button", { name: /Work offline/ }).click();
    await expect.poll(() => h1(page).textContent()).toBe("Nodes");
    const updates = (await ipcCalls(page)).filter((c) => c.cmd === "update_settings");
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args).toMatchObject({ settings: { onboarded: true } });
    expect(errors).toEqual([]);
  });

  it("settings: save round trip through update_settings, and diagnostics", async () => {
    const { page, errors } = await open("#/settings");
    await expect.poll(() => h1(page).textContent()).toBe("Settings");
    expect(await page.locator("#settings-data-dir").textContent()).toBe(
      "/home/operator/.local/share/fabric-ha-desktop",
    );
    await page.locator("#settings-run-doctor").click();
    await expect.poll(() => page.locator(".fhd-check").count()).toBe(4);
    expect(
      await page
        .locator(".fhd-check")
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-status"))),
    ).toEqual(["ok", "ok", "warn", "fail"]);
    await screenshot(page, "settings");

    expect(await page.locator("#settings-save").isDisabled()).toBe(true);
    await page.locator("#settings-page-size").selectOption("25");
    await page.locator("#settings-save").click();
    await expect.poll(() => page.getByText("Your preferences were saved.").isVisible()).toBe(true);
    const update = (await ipcCalls(page)).find((c) => c.cmd === "update_settings");
    expect(update?.args).toEqual({
      settings: { language: "en", pageSize: 25, onboarded: true },
    });

    // The stored page size is what the sections use.
    await page.locator('nav [aria-label="Nodes"]').click();
    await page.locator('nav [aria-label="Settings"]').click();
    expect(await page.locator("#settings-page-size").inputValue()).toBe("25");
    expect(await page.locator("#settings-language").inputValue()).toBe("en");
    expect(errors).toEqual([]);
  });

  it("locked secrets: passphrase prompt, wrong passphrase sentence, unlock", async () => {
    const { page, errors } = await open("?locked=1#/nodes");
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain("Unlock secrets");
    await page.locator("#unlock-passphrase").fill("not it");
    await dialog.getByRole("button", { name: "Unlock" }).click();
    await expect
      .poll(() =>
        dialog.getByText("That passphrase does not open this workspace's secrets.").isVisible(),
      )
      .toBe(true);
    await page.locator("#unlock-passphrase").fill("correct horse");
    await dialog.getByRole("button", { name: "Unlock" }).click();
    await expect.poll(() => page.locator(".cds--modal.is-visible").count()).toBe(0);
    await expect.poll(() => page.getByText("Secrets unlocked").isVisible()).toBe(true);
    const unlocks = (await ipcCalls(page)).filter((c) => c.cmd === "unlock_secrets");
    expect(unlocks.map((c) => c.args)).toEqual([
      { passphrase: "not it" },
      { passphrase: "correct horse" },
    ]);
    expect(errors).toEqual([]);
  });

  it("shows failures as a toast with the human sentence", async () => {
    const { page } = await open("?fail=doctor#/settings");
    await page.locator("#settings-run-doctor").click();
    const toast = page.locator(".cds--toast-notification");
    await expect.poll(() => toast.isVisible()).toBe(true);
    expect(await toast.textContent()).toContain(
      "Something unexpected went wrong inside Fabric HA Desktop.",
    );
  });
});

/** The status attribute of every row of the visible import report. */
const reportRows = (page: Page) =>
  page
    .locator('[data-testid="import-report"] [data-testid="import-file"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));

/** Emits a Tauri event through the mock; retried until the page's listener is there (it is
 * registered after the first frame). */
async function emitUntil(
  page: Page,
  event: string,
  payload: unknown,
  done: () => Promise<boolean>,
): Promise<void> {
  await expect
    .poll(async () => {
      await page.evaluate(([e, p]) => window.__emitTauriEvent(e as string, p), [event, payload]);
      return done();
    })
    .toBe(true);
}

describe("the library (?library=demo)", () => {
  it("shows library tiles with the console's labels and no status square", async () => {
    const { page, errors } = await open("?library=demo#/nodes");
    await expect.poll(() => page.locator("#peers article").count()).toBe(1);
    const peer = page.locator("#peers article").first();
    expect(await peer.locator("h3").textContent()).toBe("Org1 Peer0");
    expect(await peer.locator(".fhd-tile__subtitle").textContent()).toBe("Org1MSP");
    expect(await peer.locator(".fhd-tile__label").allTextContents()).toEqual([
      "Certificate Expiration",
      "Imported",
      "-",
    ]);
    expect(await page.locator(".fhd-status-square").count()).toBe(0);
    expect(await page.locator("#cas article h3").allTextContents()).toEqual(["Org1 CA"]);
    const orderer = page.locator("#orderers article").first();
    expect(await orderer.locator(".fhd-tile__label").allTextContents()).toEqual([
      "3 ordering nodes",
      "Imported",
      "-",
    ]);
    await screenshot(page, "nodes");

    await page.locator("#peers").getByRole("tab", { name: "List view" }).click();
    await expect
      .poll(() => page.locator("#peers tbody tr td").allTextContents())
      .toEqual(["Org1 Peer0", "Org1MSP", "-", "grpcs://127.0.0.1:7051", "—"]);

    await page.locator('nav [aria-label="Organizations"]').click();
    await expect.poll(() => page.locator("#msps article").count()).toBe(1);
    expect(await page.locator("#msps article").first().textContent()).toContain("Node OU: Enabled");
    await screenshot(page, "organizations");

    await page.locator('nav [aria-label="Wallet"]').click();
    await expect.poll(() => page.locator("#identities article").count()).toBe(2);
    const labels = await page
      .locator("#identities article")
      .evaluateAll((els) =>
        els.map((el) =>
          [...el.querySelectorAll(".fhd-tile__label")].map((l) => l.textContent).join(" | "),
        ),
      );
    expect(labels[0]).toMatch(/^Expiration: (6|7) months \| CA: unknown$/);
    expect(labels[1]).toMatch(/^Expiration: 1[12] months \| CA: Org1 CA$/);
    await screenshot(page, "wallet");
    expect(errors).toEqual([]);
  });

  it("Import peer: the console's side panel, then the per-file report and the new tiles", async () => {
    const { page, errors } = await open("?library=demo#/nodes");
    await page.getByRole("button", { name: /Import peer/ }).click();
    const panel = page.locator("#import-peer-panel");
    await expect.poll(() => panel.locator(".cds--modal-container").isVisible()).toBe(true);
    // Once it has slid in: the right 592 px of the window, full height.
    await expect
      .poll(() => panel.locator(".cds--modal-container").boundingBox())
      .toMatchObject({ x: 848, y: 0, width: 592, height: 900 });
    expect(await panel.locator(".cds--modal-header__heading").textContent()).toBe("Add peer");
    const title = await panel.locator(".cds--modal-header__heading").evaluate((el) => ({
      size: getComputedStyle(el).fontSize,
      x: el.getBoundingClientRect().x,
    }));
    expect(title).toEqual({ size: "32px", x: 880 });
    expect(await panel.getByText("JSON information").isVisible()).toBe(true);
    const colors = await panel
      .locator(".cds--modal-footer .cds--btn")
      .evaluateAll((els) =>
        els.map((el) => [el.textContent, getComputedStyle(el).backgroundColor]),
      );
    expect(colors).toEqual([
      ["Cancel", "rgb(105, 112, 119)"],
      ["Add peer", "rgb(44, 49, 53)"],
    ]);

    await panel.getByRole("button", { name: "Add file" }).click();
    await expect
      .poll(() => reportRows(page))
      .toEqual(["accepted", "acceptedWithWarnings", "rejected"]);
    const rows = panel.locator('[data-testid="import-file"]');
    expect(await rows.nth(0).textContent()).toContain("Org2 Peer0 — new");
    expect(await rows.nth(1).locator("code").first().textContent()).toBe(
      "$.msp.component.tls_cert",
    );
    expect(await rows.nth(2).textContent()).toContain("Nothing from this file was stored.");
    expect(await rows.nth(2).locator("code").allTextContents()).toEqual([
      "$.root_certs[0]",
      "$.admins",
    ]);
    await screenshot(page, "import-report", true, [600, 450]);

    // The library was read again: the accepted components are tiles now.
    await panel.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => panel.count()).toBe(0);
    expect(await page.locator("#peers article h3").allTextContents()).toEqual([
      "Org1 Peer0",
      "Org2 Peer0",
    ]);
    const org2ca = page.locator('#cas article[aria-label="Org2 CA"]');
    expect(await org2ca.locator(".fhd-tile__label").first().textContent()).toBe(
      "Certificate Expiration",
    );
    expect(await ipcCallsOf(page, "library_list")).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it("drag and drop: overlay on enter, hidden on leave, report after the drop", async () => {
    const { page, errors } = await open("?library=demo#/organizations");
    const overlay = page.getByTestId("drop-overlay");
    const paths = ["/home/operator/Downloads/Org3 MSP_msp.json", "/home/operator/notes.txt"];
    const position = { x: 400, y: 300 };
    await emitUntil(page, "tauri://drag-enter", { paths, position }, () => overlay.isVisible());
    expect(await overlay.textContent()).toContain(
      "Drop console files to import themJSON files or a bulk export zip; a bundle opens in Bundles · 2 files",
    );
    const cover = await overlay.boundingBox();
    expect(cover).toMatchObject({ x: 0, y: 0, width: 1440, height: 900 });
    await screenshot(page, "drop-overlay", true);
    await page.evaluate(() => window.__emitTauriEvent("tauri://drag-leave", null));
    await expect.poll(() => overlay.count()).toBe(0);

    await page.evaluate(
      (pos) => window.__emitTauriEvent("tauri://drag-over", { position: pos }),
      position,
    );
    await expect.poll(() => overlay.isVisible()).toBe(true);
    await page.evaluate(
      ([p, pos]) => window.__emitTauriEvent("tauri://drag-drop", { paths: p, position: pos }),
      [paths, position] as const,
    );
    await expect.poll(() => overlay.count()).toBe(0);
    await expect.poll(() => reportRows(page)).toEqual(["accepted", "rejected"]);
    expect(
      await page.locator("#import-report-panel .cds--modal-header__heading").textContent(),
    ).toBe("Import report");
    expect((await ipcCallsOf(page, "library_import_paths")).map((c) => c.args)).toEqual([
      { paths },
    ]);
    await expect
      .poll(() => page.locator("#msps article h3").allTextContents())
      .toEqual(["Org1 MSP", "Org3 MSP"]);
    expect(errors).toEqual([]);
  });

  it("exports an identity only after the private-key confirmation", async () => {
    const { page, errors } = await open("?library=demo#/wallet");
    await page.getByRole("button", { name: "Show details of org1admin" }).click();
    const panel = page.locator("#library-detail-panel");
    await panelOpen(panel);
    expect(await panel.locator('[data-fact="issued-by"] dd').textContent()).toBe("Org1 CA");
    expect(await panel.locator('[data-fact="administers"] dd').textContent()).toBe("Org1MSP");
    await panel.getByRole("button", { name: "Export" }).click();

    const modal = page.locator("#export-identity-modal");
    await expect.poll(() => modal.locator(".fhd-important").isVisible()).toBe(true);
    const exportButton = modal.getByRole("button", { name: "Export" });
    expect(await exportButton.isDisabled()).toBe(true);
    await modal.getByText("I understand that the private key leaves the app").click();
    expect(await exportButton.isEnabled()).toBe(true);
    await exportButton.click();
    await expect.poll(() => page.getByText(/^Exported to /).isVisible()).toBe(true);
    expect((await ipcCallsOf(page, "library_export_dialog")).map((c) => c.args)).toEqual([
      { ids: ["lib-identity-org1admin"], includePrivateKeys: true, format: "auto" },
    ]);
    expect(await page.getByText(/^Exported to /).textContent()).toBe(
      "Exported to /home/operator/Downloads/FOC.11_27_2025-14_30.zip",
    );
    expect(errors).toEqual([]);
  });

  it("removes a component after confirming, and its tile goes away", async () => {
    const { page, errors } = await open("?library=demo#/nodes");
    await page.locator('#peers article[aria-label="Org1 Peer0"]').click();
    const panel = page.locator("#library-detail-panel");
    await panelOpen(panel);
    expect(await panel.textContent()).toContain(
      "status appears once a console that runs it is connected",
    );
    await panel.getByRole("button", { name: "Remove" }).click();
    const modal = page.locator("#remove-item-modal");
    await expect.poll(() => modal.getByText("Remove Org1 Peer0?").isVisible()).toBe(true);
    await modal.getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => page.locator("#peers article").count()).toBe(0);
    expect(await page.getByText("No peers yet").isVisible()).toBe(true);
    expect((await ipcCallsOf(page, "library_remove")).map((c) => c.args)).toEqual([
      { ids: ["lib-peer-org1-peer0"] },
    ]);
    expect(errors).toEqual([]);
  });

  it("Settings: bulk export of the ticked kinds, and import with a report", async () => {
    const { page, errors } = await open("?library=demo#/settings");
    await page.locator("#settings-bulk-export").click();
    const panel = page.locator("#bulk-export-panel");
    await panelOpen(panel);
    const ticked = () =>
      panel
        .locator("input[type=checkbox]")
        .evaluateAll((els) =>
          els.map((e) => [e.id.replace("bulk-export-", ""), (e as HTMLInputElement).checked]),
        );
    expect(await ticked()).toEqual([
      ["ca", true],
      ["orderer", true],
      ["peer", true],
      ["msp", true],
      ["identity", false],
    ]);
    expect(await panel.locator(".fhd-important").count()).toBe(0);
    await panel.getByText("Identities", { exact: true }).click();
    await expect.poll(() => panel.locator(".fhd-important").isVisible()).toBe(true);
    const border = await panel
      .locator(".fhd-important__box")
      .evaluate((el) => getComputedStyle(el).borderTopColor);
    expect(border).toBe("rgb(241, 194, 27)");
    await screenshot(page, "bulk-export", true, [600, 450]);

    // Peers unticked: the ids of the other kinds, identities with their keys.
    await panel.getByText("Peers", { exact: true }).click();
    await panel.locator("#bulk-export-submit").click();
    await expect.poll(() => panel.count()).toBe(0);
    expect((await ipcCallsOf(page, "library_export_dialog")).map((c) => c.args)).toEqual([
      {
        ids: [
          "lib-ca-org1",
          "lib-msp-org1",
          "lib-orderer-os",
          "lib-identity-org1admin",
          "lib-identity-ordereradmin",
        ],
        includePrivateKeys: true,
        format: "zip",
      },
    ]);

    await page.locator("#settings-bulk-import").click();
    await expect
      .poll(() => reportRows(page))
      .toEqual(["accepted", "acceptedWithWarnings", "rejected"]);
    expect(await ipcCallsOf(page, "library_import_dialog")).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});

describe("production bundle", () => {
  it("contains no IPC mock and no remote URL", () => {
    if (!existsSync(join(PROD_DIST, "index.html"))) {
      execFileSync("npx", ["vite", "build"], { cwd: UI_DIR, stdio: "inherit" });
    }
    const files = readdirSync(join(PROD_DIST, "assets")).filter((f) => /\.(js|css)$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of [...files.map((f) => join("assets", f)), "index.html"]) {
      const text = readFileSync(join(PROD_DIST, file), "utf8");
      expect(text, file).not.toContain("mockIPC");
      expect(text, file).not.toContain("__ipcCalls");
      expect(text, file).not.toContain("__emitTauriEvent");
      expect(text, file).not.toContain("correct horse");
      // Fonts and styles come from the app itself; the CSP forbids anything remote.
      expect(text, file).not.toMatch(/url\(\s*["']?https?:/);
      expect(text, file).not.toMatch(/@import\s+["']?https?:/);
    }
  });
});
