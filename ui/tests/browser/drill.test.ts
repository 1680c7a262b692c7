// The region-loss drill, stale records and rate-limit waits in real Chromium against the mock
// bundle: the sandbox's regions stopped and started from the HA check page and from a sandbox
// console's region column; a console's stale copy of a peer flagged in the HA check's console
// row and updated from the peer's own console, after which the check no longer flags it; and a
// console's rate limit said at once with the console's name, counted down, in English and zh-CN.
import { describe, expect, it } from "vitest";
import { ipcCallsOf, serveMockApp, switchLanguage } from "./harness";

const { open } = serveMockApp();

describe("region-loss drill", () => {
  it("stops and starts a sandbox region from the HA check page and the all-regions view", async () => {
    const { page, errors } = await open("?sandbox=1#/ha-check?console=Dallas&msp=Org1MSP");
    const drill = page.getByTestId("region-drill");
    await expect.poll(() => drill.isVisible()).toBe(true);
    expect(await drill.textContent()).toContain("Region-loss drill");
    expect(await drill.locator("li").count()).toBe(3);

    await page.getByTestId("region-stop-us-south").click();
    await expect.poll(() => page.getByTestId("region-start-us-south").isVisible()).toBe(true);
    expect(await drill.locator("li").first().textContent()).toContain("Stopped");
    expect((await ipcCallsOf(page, "sandbox_region")).map((c) => c.args)).toEqual([
      { op: "stop", region: "us-south" },
    ]);
    await page.getByTestId("region-start-us-south").click();
    await expect.poll(() => page.getByTestId("region-stop-us-south").isVisible()).toBe(true);

    // Each sandbox console's region column has its own button.
    await page.goto(page.url().replace(/#.*$/, "#/consoles/regions"));
    await expect.poll(() => page.getByTestId("region-stop-jp-tok").isVisible()).toBe(true);
    expect(await page.locator('[data-testid^="region-stop-"]').count()).toBe(3);
    expect(errors).toEqual([]);
  });

  it("shows no drill when no sandbox runs", async () => {
    const { page, errors } = await open("#/ha-check?console=Dallas&msp=Org1MSP");
    await expect.poll(() => page.getByTestId("ha-check").getAttribute("data-state")).toBe("done");
    expect(await ipcCallsOf(page, "sandbox_regions")).toHaveLength(1);
    expect(await page.getByTestId("region-drill").count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

describe("stale records in the HA check", () => {
  it("flags Tokyo's stale copy, updates it from Frankfurt, and the check runs clean again", async () => {
    const { page, errors } = await open("?haCheck=stale#/ha-check?console=Dallas&msp=Org1MSP");
    await expect.poll(() => page.getByTestId("ha-check").getAttribute("data-state")).toBe("done");
    const stale = page.getByTestId("stale-Tokyo-org1peer2-copy").first();
    await expect.poll(() => stale.isVisible()).toBe(true);
    const said = await stale.textContent();
    expect(said).toContain("Stale record org1peer2-copy of Org1 Peer2");
    expect(said).toContain("msp.component.tls_cert");
    expect(said).toContain("TLS certificate not the one the peer serves");
    expect(await page.locator('[data-testid^="stale-Frankfurt-"]').count()).toBe(0);

    await stale.getByRole("button", { name: "Update from Frankfurt" }).click();
    await expect.poll(async () => (await ipcCallsOf(page, "ha_check")).length).toBe(2);
    await expect.poll(() => page.getByTestId("ha-check").getAttribute("data-state")).toBe("done");
    expect(await page.locator('[data-testid^="stale-"]').count()).toBe(0);
    expect((await ipcCallsOf(page, "console_update_records")).map((c) => c.args)).toEqual([
      {
        input: {
          console: "Tokyo",
          source: { kind: "console", from: "Frankfurt", componentIds: ["org1peer2"] },
        },
      },
    ]);
    expect(errors).toEqual([]);
  });
});

describe("a console's rate limit", () => {
  const notice = (seconds: number) => ({
    console: "Frankfurt",
    url: "https://127.0.0.1:3002",
    request: "POST /ak/api/v3/components/fabric-peer/import",
    waitMs: seconds * 1000,
    untilMs: Date.now() + seconds * 1000,
  });

  it("is said at once with the console's name and counted down until the request is sent", async () => {
    const { page, errors } = await open("#/nodes");
    await page.evaluate((n) => window.__emitTauriEvent("console://rate-limit", n), notice(3));
    const shown = page.getByTestId("rate-limit-Frankfurt");
    await expect.poll(() => shown.isVisible()).toBe(true);
    const first = await shown.textContent();
    expect(first).toContain("Console Frankfurt is rate limiting this app");
    expect(first).toMatch(
      /Sending POST \/ak\/api\/v3\/components\/fabric-peer\/import again in [23] seconds/,
    );
    // Counted down, then gone once the request is sent again.
    await expect.poll(() => shown.textContent()).toMatch(/again in 1 second/);
    await expect.poll(() => shown.count(), { timeout: 5000 }).toBe(0);
    expect(errors).toEqual([]);
  });

  it("in zh-CN", async () => {
    const { page, errors } = await open("#/nodes");
    await switchLanguage(page, "zh-CN");
    await page.evaluate((n) => window.__emitTauriEvent("console://rate-limit", n), notice(20));
    const shown = page.getByTestId("rate-limit-Frankfurt");
    await expect.poll(() => shown.isVisible()).toBe(true);
    expect(await shown.textContent()).toMatch(
      /控制台 Frankfurt 正在限制本应用的请求速率.*(19|20) 秒后重新发送 POST/,
    );
    await switchLanguage(page, "en");
    expect(errors).toEqual([]);
  });
});
