// Certificate expiry in real Chromium against the mock bundle: the all-regions view marks the
// tiles whose certificates end within 30 days as the console's "Certificate Expiration" label
// does — from the records (Dallas's Legacy Peer: its enrollment certificate ends in 10 days)
// and from the certificate report (Org1 Peer1: the TLS certificate it serves ends in 12 days,
// which no record shows) — and the wallet's Reenroll replaces an identity, or leaves it.
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ipcCallsOf, serveMockApp, switchLanguage } from "./harness";

const { open } = serveMockApp();

const column = (page: Page, name: string) =>
  page.locator(`[data-testid="region-column"][data-console="${name}"]`);
const tile = (col: Locator, name: string) =>
  col.locator(`[data-testid="region-tile"][data-name="${name}"]`);
const marked = (col: Locator) =>
  col
    .locator('[data-testid="region-tile"]:has([data-testid="cert-expiration"])')
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-name")));

describe("Certificate expiry", () => {
  it("marks the tiles whose certificates end within 30 days, in every region", async () => {
    const { page, errors } = await open("#/consoles/regions");
    const dallas = column(page, "Dallas");
    await expect.poll(() => marked(dallas)).toEqual(["Legacy Peer", "Org1 Peer1"]);
    const legacy = tile(dallas, "Legacy Peer").getByTestId("cert-expiration");
    expect(await legacy.textContent()).toBe("Certificate Expiration");
    expect(await legacy.getAttribute("title")).toBe(
      "Legacy Peer: enrollment certificate expires in 10 days",
    );
    expect(
      await tile(dallas, "Org1 Peer1").getByTestId("cert-expiration").getAttribute("title"),
    ).toBe("Org1 Peer1: TLS certificate it serves expires in 12 days");
    // A tile whose certificates have a year left carries no label.
    expect(await tile(dallas, "Org1 Peer0").getByTestId("cert-expiration").count()).toBe(0);
    expect(await ipcCallsOf(page, "certs_report")).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it("still marks the records' expiring certificates without the report", async () => {
    const { page, errors } = await open("?certs=none#/consoles/regions");
    await expect.poll(() => marked(column(page, "Dallas"))).toEqual(["Legacy Peer"]);
    expect(errors).toEqual([]);
  });

  it("reenrolls a wallet identity: the new one replaces it under the same name", async () => {
    const { page, errors } = await open("?library=demo#/wallet");
    await page.getByRole("button", { name: "Actions for org1admin" }).click();
    await page.getByRole("menuitem", { name: "Reenroll" }).click();
    const outcome = page.getByTestId("reenroll-outcome");
    await expect.poll(() => outcome.isVisible()).toBe(true);
    expect(await outcome.textContent()).toContain("org1admin reenrolled");
    expect((await ipcCallsOf(page, "ca_reenroll")).map((c) => c.args)).toEqual([
      { input: { identity: "lib-identity-org1admin", target: null, hosts: [] } },
    ]);
    await expect
      .poll(() => page.locator('#identities article[aria-label="org1admin"]').count())
      .toBe(1);
    expect(errors).toEqual([]);
  });

  it("says so when a reenroll fails, and the identity stays", async () => {
    const { page } = await open("?library=demo&fail=ca_reenroll#/wallet");
    await page.getByRole("button", { name: "Actions for org1admin" }).click();
    await page.getByRole("menuitem", { name: "Reenroll" }).click();
    const outcome = page.getByTestId("reenroll-outcome");
    await expect.poll(() => outcome.isVisible()).toBe(true);
    expect(await outcome.textContent()).toContain("org1admin was not reenrolled; it is unchanged");
    expect(await outcome.textContent()).toContain("ca_reenroll failed (mock)");
    expect(await page.locator('#identities article[aria-label="org1admin"]').count()).toBe(1);
  });
});

describe("Certificate expiry in Chinese", () => {
  it("the expiry label, its reason and the wallet's reenroll in zh-CN", async () => {
    const { page, errors } = await open("?library=demo#/consoles/regions");
    try {
      await switchLanguage(page, "zh-CN");
      const dallas = column(page, "Dallas");
      await expect.poll(() => marked(dallas)).toEqual(["Legacy Peer", "Org1 Peer1"]);
      const legacy = tile(dallas, "Legacy Peer").getByTestId("cert-expiration");
      expect(await legacy.textContent()).not.toMatch(/[A-Za-z]{3,}/);
      expect(await legacy.getAttribute("title")).toBe("Legacy Peer：登记证书将在 10 天后到期");
      expect(
        await tile(dallas, "Org1 Peer1").getByTestId("cert-expiration").getAttribute("title"),
      ).toBe("Org1 Peer1：其提供的 TLS 证书将在 12 天后到期");

      await page.evaluate(() => {
        window.location.hash = "#/wallet";
      });
      await page.getByRole("button", { name: "org1admin 的操作" }).click();
      await page.getByRole("menuitem", { name: "重新登记" }).click();
      const outcome = page.getByTestId("reenroll-outcome");
      await expect.poll(() => outcome.isVisible()).toBe(true);
      expect(await outcome.textContent()).toContain("已重新登记 org1admin");
      expect(errors).toEqual([]);
    } finally {
      await switchLanguage(page, "en");
    }
  });
});
