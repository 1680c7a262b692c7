// A console's copy of a component that no longer matches it, in real Chromium against the mock
// bundle (`?consoles=stale`: Frankfurt's records of Dallas's Org1 Peer0 and Orderer CA carry
// older certificates, its Org1 MSP another admin). The report names what differs and offers
// to update the record; a CA's certificates cannot be updated that way.
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ipcCallsOf, panelOpen, screenshot, serveMockApp } from "./harness";

const { open } = serveMockApp();

const column = (page: Page, name: string) =>
  page.locator(`[data-testid="region-column"][data-console="${name}"]`);
const regionTile = (col: Locator, kind: string, name: string) =>
  col.locator(`[data-testid="region-tile"][data-kind="${kind}"][data-name="${name}"]`);
const items = (page: Page) =>
  page.locator('[data-testid="console-import-report"] [data-testid="console-import-item"]');
const outcomes = (page: Page) =>
  items(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-outcome")));

describe("Stale console records", () => {
  it("a copy onto a console holding an older record: named, updated, then already present", async () => {
    const { page, errors } = await open("?consoles=stale#/consoles/regions");
    const dallas = column(page, "Dallas");
    const frankfurt = column(page, "Frankfurt");
    await expect.poll(() => regionTile(frankfurt, "peer", "Org1 Peer0").count()).toBe(1);

    await regionTile(dallas, "peer", "Org1 Peer0").dragTo(frankfurt);
    const panel = page.locator("#console-report-panel");
    await expect.poll(() => outcomes(page)).toEqual(["presentWithOtherCertificates"]);
    const line = items(page).first();
    expect(await line.textContent()).toContain("Present with other certificates");
    expect(await line.getByTestId("console-import-differences").textContent()).toBe(
      "Frankfurt's record org1peer0 differs in: TLS certificate, TLS root certificates.",
    );
    expect(await panel.getByRole("status").textContent()).toBe(
      "Frankfurt — 1 component: 1 present with other certificates.",
    );
    await screenshot(page, "copy-report-stale", true);

    // Update: the copy of that one component again, with update.
    await line.getByRole("button", { name: "Update org1peer0 in Frankfurt" }).click();
    await expect.poll(() => outcomes(page)).toEqual(["updated"]);
    expect(await items(page).first().textContent()).toContain(
      "Replaced in org1peer0: TLS certificate, TLS root certificates.",
    );
    expect((await ipcCallsOf(page, "console_update_records")).map((c) => c.args)).toEqual([
      {
        input: {
          console: "Frankfurt",
          source: { kind: "console", from: "Dallas", componentIds: ["org1peer0"] },
        },
      },
    ]);
    await panel.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => panel.count()).toBe(0);

    // The same copy again: already present; no second record.
    await regionTile(dallas, "peer", "Org1 Peer0").dragTo(frankfurt);
    await expect.poll(() => outcomes(page)).toEqual(["alreadyPresent"]);
    expect(await panel.textContent()).toContain("already present as org1peer0");
    expect(await regionTile(frankfurt, "peer", "Org1 Peer0").count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it("a CA's certificates are named but not offered for update", async () => {
    const { page, errors } = await open("?consoles=stale#/consoles/regions");
    const frankfurt = column(page, "Frankfurt");
    await expect.poll(() => regionTile(frankfurt, "ca", "Orderer CA").count()).toBe(1);
    await regionTile(column(page, "Dallas"), "ca", "Orderer CA").dragTo(frankfurt);
    await expect.poll(() => outcomes(page)).toEqual(["presentWithOtherCertificates"]);
    const line = items(page).first();
    expect(await line.textContent()).toContain(
      "the console's edit route does not change a CA's certificates",
    );
    expect(await line.getByTestId("console-import-update").count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("an import from the library: the MSP with another admin is present with other content", async () => {
    const { page, errors } = await open("?consoles=stale&library=demo#/consoles/c/Frankfurt");
    await page.getByRole("button", { name: "Import from library" }).first().click();
    const panel = page.locator("#import-into-console-panel");
    await panelOpen(panel);
    await panel.getByText("Org1 MSP (Org1MSP)", { exact: true }).click();
    expect(await panel.locator("#import-pick-lib-msp-org1").isChecked()).toBe(true);
    await panel.locator("#import-into-console-submit").click();
    await expect.poll(() => outcomes(page)).toEqual(["presentWithOtherContent"]);
    expect(await items(page).first().getByTestId("console-import-differences").textContent()).toBe(
      "Frankfurt's record org1msp differs in: admins.",
    );
    await items(page).first().getByRole("button", { name: "Update org1msp in Frankfurt" }).click();
    await expect.poll(() => outcomes(page)).toEqual(["updated"]);
    expect((await ipcCallsOf(page, "console_update_records")).map((c) => c.args)).toEqual([
      {
        input: {
          console: "Frankfurt",
          source: { kind: "library", artifactIds: ["lib-msp-org1"] },
        },
      },
    ]);
    expect(errors).toEqual([]);
  });
});
