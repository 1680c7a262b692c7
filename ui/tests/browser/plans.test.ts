import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  englishLeftovers,
  ipcCalls,
  ipcCallsOf,
  overflowing,
  screenshot,
  serveMockApp,
  switchLanguage,
} from "./harness";

const { open, url } = serveMockApp();
const calls = ipcCalls;
const callsOf = ipcCallsOf;

const SECRET = "adminpw-canary-7f3a";
const next = (page: Page) => page.locator("#plan-wizard-next").click();
const check = (page: Page, id: string) => page.locator(`label[for="${id}"]`).click();
const view = (page: Page) => page.getByTestId("plan-view");
const region = (page: Page, console: string) =>
  page.locator(`[data-testid="plan-region"][data-console="${console}"]`);

/** Walks the wizard from the list to the saved plan's preview. */
async function createPlan(page: Page, name: string, targets: string[]): Promise<void> {
  await page.getByRole("button", { name: /New plan/ }).click();
  await expect.poll(() => page.getByTestId("plan-wizard").isVisible()).toBe(true);
  await page.locator("#plan-name").fill(name);
  await page.locator("#plan-source-console").selectOption("Dallas");
  await page.locator("#plan-source-ca").selectOption("org1ca");
  await page.locator("#plan-source-msp").selectOption("org1msp");
  await check(page, "plan-source-peer-org1peer0");
  // The region-1 peer's channels and packages (read from it: mocks/peers.ts).
  await page.getByRole("combobox", { name: /Channels the new peers join/ }).click();
  await page.getByRole("listbox").getByRole("option", { name: "mychannel (height 12)" }).click();
  await page.keyboard.press("Escape");
  await page.getByRole("combobox", { name: /Chaincode packages installed/ }).click();
  await page
    .getByRole("listbox")
    .getByRole("option", { name: /^asset_1\.0/ })
    .click();
  await page.keyboard.press("Escape");
  await next(page);
  for (const t of targets) await check(page, `plan-target-${t}`);
  await next(page);
  await expect.poll(() => page.getByTestId("plan-region-form").count()).toBe(targets.length);
  await next(page);
  await page.locator("#plan-secret").fill(SECRET);
  await next(page);
  await expect.poll(() => view(page).getAttribute("data-plan")).toBe(name);
}

describe("HA plans", () => {
  it("wizard → preview → apply → cancel → resume → report", async () => {
    const { page, errors } = await open("?consoles=ha&planHold=1#/ha-plans");
    await expect.poll(() => page.getByText("No HA plans yet").isVisible()).toBe(true);

    // The first step refuses to move on without its fields.
    await page.getByRole("button", { name: /New plan/ }).click();
    await next(page);
    for (const text of ["Enter a name for the plan.", "Choose the console of region 1."]) {
      expect(await page.getByText(text).isVisible(), text).toBe(true);
    }
    await page.goto(url("?consoles=ha&planHold=1#/ha-plans"));
    await page.waitForFunction(() => window.__ipcCalls.some((c) => c.cmd === "ui_ready"));

    await createPlan(page, "Org1 HA", ["Sydney", "London"]);

    // The secret crossed once, with plan_create, and the plan itself holds none.
    const created = await callsOf(page, "plan_create");
    expect(created).toHaveLength(1);
    const input = (
      (created[0]?.args ?? {}) as { input: { plan: unknown; registrarSecret: string } }
    ).input;
    expect(input.registrarSecret).toBe(SECRET);
    expect(JSON.stringify(input.plan)).not.toContain(SECRET);
    const elsewhere = (await calls(page)).filter(
      (c) => c.cmd !== "plan_create" && JSON.stringify(c.args ?? null).includes(SECRET),
    );
    expect(elsewhere).toEqual([]);

    // Preview: one table per console, the steps in order with their verdicts.
    await expect
      .poll(() => page.locator('[data-stage="preview"]').getAttribute("data-ready"))
      .toBe("true");
    expect(
      await page
        .getByTestId("plan-preview-console")
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-console"))),
    ).toEqual(["Sydney", "London", "Dallas"]);
    const sydney = page.locator('[data-testid="plan-preview-console"][data-console="Sydney"]');
    const verdicts = await sydney
      .getByTestId("plan-preview-step")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-verdict")));
    expect(verdicts.length).toBeGreaterThan(5);
    expect(verdicts.every((v) => v === "will_do")).toBe(true);
    await screenshot(page, "ha-plan-preview");

    // Apply: a progress bar per region and the live log; the run waits for the peers.
    await page.getByTestId("plan-apply").click();
    await expect.poll(() => view(page).getAttribute("data-state")).toBe("running");
    // Sydney, London, and Dallas' anchor-peer update once both are done.
    expect(await page.getByTestId("plan-region").count()).toBe(3);
    for (const c of ["Sydney", "London"]) {
      await expect
        .poll(() =>
          page
            .locator(`[data-testid="plan-log"] li[data-console="${c}"][data-kind="started"]`)
            .filter({ hasText: "Wait until peer" })
            .count(),
        )
        .toBe(1);
      const done = Number(await region(page, c).getAttribute("data-done"));
      const total = Number(await region(page, c).getAttribute("data-total"));
      expect(done).toBeGreaterThan(0);
      expect(done).toBeLessThan(total);
    }
    await screenshot(page, "ha-plan-apply");

    // Cancel → stopped, with Resume.
    await page.getByTestId("plan-cancel").click();
    await expect.poll(() => view(page).getAttribute("data-state")).toBe("stopped");
    expect(await page.getByText("The run was cancelled").isVisible()).toBe(true);
    expect(await callsOf(page, "plan_cancel")).toHaveLength(1);

    // Resume → completed: the done steps are skipped, the rest run.
    await page.getByTestId("plan-resume").click();
    await expect.poll(() => view(page).getAttribute("data-state")).toBe("completed");
    for (const c of ["Sydney", "London"]) {
      expect(await region(page, c).getAttribute("data-done")).toBe(
        await region(page, c).getAttribute("data-total"),
      );
    }
    expect(
      await page.locator('[data-testid="plan-log"] li[data-kind="skipped"]').count(),
    ).toBeGreaterThan(0);
    expect(await callsOf(page, "plan_apply")).toHaveLength(2);

    // Report: the new peers per region with their channels and packages, and the anchor peers.
    await page.getByTestId("plan-to-report").click();
    await expect.poll(() => page.getByTestId("plan-report-region").count()).toBe(2);
    expect(await page.getByTestId("plan-report-peer").count()).toBe(4);
    expect(await page.getByTestId("plan-report-peer-channels").allTextContents()).toEqual(
      Array(4).fill("mychannel (12)"),
    );
    for (const ids of await page.getByTestId("plan-report-peer-packages").allTextContents()) {
      expect(ids).toMatch(/^asset_1\.0:[0-9a-f]{64}$/);
    }
    expect(
      await page
        .locator('[data-testid="plan-report-channel"][data-channel="mychannel"]')
        .textContent(),
    ).toContain("(config block 12)");
    expect(await page.getByTestId("plan-report").textContent()).toContain(
      "org1msp-au-syd-peer1.au-syd.example.com:7051",
    );
    await screenshot(page, "ha-plan-report");
    await page.getByTestId("plan-export-md").click();
    await expect.poll(async () => (await callsOf(page, "plan_export_dialog")).length).toBe(1);
    expect((await callsOf(page, "plan_export_dialog"))[0]?.args).toEqual({
      name: "Org1 HA",
      kind: "reportMarkdown",
    });
    await expect
      .poll(() => page.getByText("Org1-HA.report.md", { exact: false }).isVisible())
      .toBe(true);
    // The report leads to the HA check of the plan's organization (tests/browser/hacheck.test.ts).
    expect(await page.getByTestId("plan-run-ha-check").getAttribute("href")).toBe(
      "#/ha-check?plan=Org1+HA",
    );

    // The list shows the plan as completed.
    await page.locator(".fhd-plan-crumbs a").click();
    const tile = page.locator('[data-testid="plan-tile"][data-plan="Org1 HA"]');
    await expect.poll(() => tile.getAttribute("data-state")).toBe("completed");
    expect(errors).toEqual([]);
  });

  it("the HA wizard offers the region-1 peer's channels and the packages used on them", async () => {
    const { page, errors } = await open("?consoles=ha#/ha-plans/new");
    await page.locator("#plan-name").fill("Org1 HA");
    await page.locator("#plan-source-console").selectOption("Dallas");
    await page.locator("#plan-source-ca").selectOption("org1ca");
    await page.locator("#plan-source-msp").selectOption("org1msp");
    await page.locator('label[for="plan-source-peer-org1peer0"]').click();

    const channels = page.getByRole("combobox", { name: /Channels the new peers join/ });
    await channels.click();
    const menu = page.getByRole("listbox");
    await expect
      .poll(() => menu.getByRole("option").allTextContents())
      .toEqual(["assets (height 5)", "mychannel (height 12)"]);
    await menu.getByRole("option", { name: "mychannel (height 12)" }).click();
    await page.keyboard.press("Escape");

    const chaincodes = page.getByRole("combobox", { name: /Chaincode packages installed/ });
    await chaincodes.click();
    await expect
      .poll(async () =>
        (await menu.getByRole("option").allTextContents()).map((t) => t.split(" · ")[0]),
      )
      .toEqual(["asset_1.0", "events_1.0"]);
    expect(await menu.getByRole("option").first().textContent()).toContain("mychannel: asset 1.0");
    await menu.getByRole("option", { name: /^asset_1\.0/ }).click();
    await page.keyboard.press("Escape");
    await screenshot(page, "plan-wizard-channels");
    expect((await ipcCallsOf(page, "peer_chaincodes")).map((c) => c.args)).toEqual([
      { peer: "Dallas/org1peer0", identity: null, tlsIdentity: null },
    ]);
    expect(errors).toEqual([]);
  });

  it("creates a new organization in region 1, then replicates it", async () => {
    const { page, errors } = await open("?consoles=ha#/ha-plans");
    await page.getByRole("button", { name: /New plan/ }).click();
    await expect.poll(() => page.getByTestId("plan-wizard").isVisible()).toBe(true);
    await page.locator("#plan-name").fill("Org3 HA");
    await check(page, "plan-mode-new");
    await page.locator("#plan-source-console").selectOption("Dallas");
    await page.locator("#plan-org-msp-id").fill("Org3MSP");

    // Every name starts from the MSP id, as `fabric-ha plan new --new-org` names them.
    const value = (id: string) => page.locator(`#${id}`).inputValue();
    expect(
      await Promise.all(
        [
          "plan-org-ca-name",
          "plan-org-ca-admin",
          "plan-org-msp-name",
          "plan-org-admin",
          "plan-org-peer-name",
          "plan-org-peer-id",
        ].map(value),
      ),
    ).toEqual([
      "Org3MSP CA",
      "Org3MSP-ca-admin",
      "Org3MSP MSP",
      "Org3MSP-admin",
      "Org3MSP peer 1 (Dallas)",
      "org3msp-dallas-peer1",
    ]);

    // The engine's rules, inline under the field; the step does not move on.
    await page.locator("#plan-org-ca-admin").fill("adm");
    const short = page.getByText(`the CA admin's enroll id "adm" needs at least 4 characters`);
    await expect.poll(() => short.isVisible()).toBe(true);
    expect(await page.locator("#plan-org-ca-admin").getAttribute("aria-invalid")).toBe("true");
    await next(page);
    expect(await page.locator('[data-step="source"]').count()).toBe(1);
    await page.locator("#plan-org-ca-admin").fill("org3-ca-admin");
    await expect.poll(() => short.count()).toBe(0);
    // A typed name stays when the MSP id changes; the others follow it.
    await page.locator("#plan-org-msp-name").fill("Org3 MSP");
    await page.locator("#plan-org-msp-id").fill("Org3MSP ");
    await expect.poll(() => page.getByText('"Org3MSP " must have 1 to 250').isVisible()).toBe(true);
    await page.locator("#plan-org-msp-id").fill("Org3MSP");
    expect(await value("plan-org-msp-name")).toBe("Org3 MSP");
    expect(await value("plan-org-ca-name")).toBe("Org3MSP CA");
    await next(page);

    await check(page, "plan-target-Sydney");
    await next(page);
    await expect.poll(() => page.getByTestId("plan-region-form").count()).toBe(1);
    await next(page);
    // No secret to give: the plan generates them.
    await expect.poll(() => page.getByTestId("plan-no-secret").isVisible()).toBe(true);
    expect(await page.locator("#plan-secret").count()).toBe(0);
    expect(await page.getByTestId("plan-no-secret").textContent()).toContain(
      'the CA admin "org3-ca-admin"',
    );
    await next(page);
    await expect.poll(() => view(page).getAttribute("data-plan")).toBe("Org3 HA");

    const created = await callsOf(page, "plan_create");
    expect(created).toHaveLength(1);
    const input = (
      (created[0]?.args ?? {}) as {
        input: { plan: { source: Record<string, unknown> }; registrarSecret: string | null };
      }
    ).input;
    expect(input.registrarSecret).toBeNull();
    expect(input.plan.source).toMatchObject({
      console: "Dallas",
      ca: "",
      msp: "",
      peers: [],
      registrar: { enroll_id: "org3-ca-admin" },
      create: {
        ca_display_name: "Org3MSP CA",
        msp_id: "Org3MSP",
        msp_display_name: "Org3 MSP",
        org_admin_enroll_id: "Org3MSP-admin",
        first_peer: { display_name: "Org3MSP peer 1 (Dallas)", enroll_id: "org3msp-dallas-peer1" },
      },
    });

    // Preview: the organization's own lane first, every step will be done.
    await expect
      .poll(() => page.locator('[data-stage="preview"]').getAttribute("data-ready"))
      .toBe("true");
    expect(
      await page
        .getByTestId("plan-preview-console")
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-console"))),
    ).toEqual(["Dallas", "Sydney"]);
    const dallas = page.locator('[data-testid="plan-preview-console"][data-console="Dallas"]');
    expect(await dallas.locator("h2").textContent()).toBe(
      "Dallas region 1 · creates the organization",
    );
    const rows = dallas.getByTestId("plan-preview-step");
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-step")))).toEqual([
      "Dallas/create-ca",
      "Dallas/wait-ca",
      "Dallas/enroll-ca-admin",
      "Dallas/register-admin/Org3MSP-admin",
      "Dallas/register/org3msp-dallas-peer1",
      "Dallas/enroll-admin/Org3MSP-admin",
      "Dallas/create-msp",
      "Dallas/create/org3msp-dallas-peer1",
      "Dallas/wait/org3msp-dallas-peer1",
    ]);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-verdict")))).toEqual(
      Array(9).fill("will_do"),
    );
    expect(await rows.locator("td:nth-child(2)").allTextContents()).toEqual([
      "Create CA",
      "Wait for the CA",
      "Enroll CA admin",
      "Register org admin",
      "Register peer",
      "Enroll org admin",
      "Create MSP",
      "Create peer",
      "Wait for the peer",
    ]);
    expect(
      await page
        .locator('[data-testid="plan-preview-step"][data-step="Sydney/import-first-peer"]')
        .getAttribute("data-verdict"),
    ).toBe("will_do");

    // Apply: the organization's lane runs to the end, then the region's.
    await page.getByTestId("plan-apply").click();
    await expect.poll(() => view(page).getAttribute("data-state")).toBe("completed");
    expect(
      await page
        .getByTestId("plan-region")
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute("data-console"), e.getAttribute("data-done")]),
        ),
    ).toEqual([
      ["Dallas", "9"],
      ["Sydney", "11"],
    ]);
    expect(await region(page, "Dallas").textContent()).toContain(
      "region 1 · creates the organization",
    );
    const log = page.locator('[data-testid="plan-log"] li[data-kind="done"]');
    expect(await log.first().textContent()).toMatch(
      /^\[region 1\] Create CA "Org3MSP CA" in console "Dallas": done \(\w+\)$/,
    );

    // Report: what the plan created in region 1, and the region that imported it.
    await page.getByTestId("plan-to-report").click();
    await expect.poll(() => page.getByTestId("plan-report-created").count()).toBe(4);
    const createdRows = await page
      .getByTestId("plan-report-created")
      .evaluateAll((els) =>
        els.map((e) => [...e.querySelectorAll("td")].map((td) => td.textContent)),
      );
    expect(createdRows.map(([what, name, , state]) => [what, name, state])).toEqual([
      ["Certificate Authority", "Org3MSP CA", "Created"],
      ["MSP definition", "Org3 MSP (Org3MSP)", "Created"],
      ["Org admin", "Org3MSP-admin", "Enrolled, kept encrypted"],
      ["First peer", "Org3MSP peer 1 (Dallas)", "Running"],
    ]);
    const [caId, mspId, , peerId] = createdRows.map((r) => r[2]);
    expect(caId).toMatch(/^\w+$/);
    expect(await page.getByTestId("plan-report-region").textContent()).toContain(
      `CA: ${caId} (imported) · MSP: ${mspId} (imported)`,
    );
    expect(await page.getByTestId("plan-report-peer").count()).toBe(2);

    // The console of region 1 lists them.
    await page.evaluate(() => {
      window.location.hash = "#/consoles/c/Dallas";
    });
    await expect
      .poll(() => page.locator("#console-cas article h3").allTextContents())
      .toContain("Org3MSP CA");
    expect(await page.locator("#console-msps article h3").allTextContents()).toContain("Org3 MSP");
    expect(await page.locator("#console-peers article h3").allTextContents()).toContain(
      "Org3MSP peer 1 (Dallas)",
    );
    expect(peerId).toMatch(/^\w+$/);
    expect(errors).toEqual([]);
  });

  it("blocks creation in an import-only console, with the reason, and does not apply", async () => {
    const { page, errors } = await open("?consoles=ha#/ha-plans");
    await createPlan(page, "Org1 to Frankfurt", ["Frankfurt"]);
    await expect
      .poll(() => page.locator('[data-stage="preview"]').getAttribute("data-ready"))
      .toBe("false");
    const frankfurt = page.locator(
      '[data-testid="plan-preview-console"][data-console="Frankfurt"]',
    );
    const verdict = (key: string) =>
      frankfurt
        .locator(`[data-testid="plan-preview-step"][data-step="${key}"]`)
        .getAttribute("data-verdict");
    // Frankfurt holds the CA and MSP already; it cannot create peers.
    expect(await verdict("Frankfurt/import-ca")).toBe("already_done");
    expect(await verdict("Frankfurt/create/org1msp-eu-de-peer1")).toBe("blocked");
    expect(await frankfurt.textContent()).toContain("import-only: it cannot create peers");
    expect(await page.getByTestId("plan-apply").isDisabled()).toBe(true);
    // Listed as previewed.
    await page.locator(".fhd-plan-crumbs a").click();
    const tile = page.locator('[data-testid="plan-tile"][data-plan="Org1 to Frankfurt"]');
    await expect.poll(() => tile.getAttribute("data-state")).toBe("previewed");
    expect(errors).toEqual([]);
  });
});

/** Names the mock's data and the UI keep as they are in Chinese: consoles, regions, MSP ids, plan
 * and peer names, product names and identifiers. */
const NAMES = [
  // A protocol's name, kept as the console's Chinese documentation keeps it.
  "TLS",
  "Org1 HA",
  "Org1MSP",
  "Org1 Peer0",
  "Org1 Peer1",
  "Legacy Peer",
  "legacypeer",
  "org1peer1",
  "Delete",
  "Backspace",
  "Org1 CA",
  "Org1 MSP",
  "org1ca",
  "org1msp",
  "org1peer0",
  "Dallas",
  "Sydney",
  "London",
  "Frankfurt",
  "Tokyo",
  "us-south",
  "au-syd",
  "eu-gb",
  "eu-de",
  "jp-tok",
  "mychannel",
  "assets",
  "asset_1.0",
  "CouchDB",
  "LevelDB",
  "Fabric",
  "MSP",
  "CPU",
  "API URL",
  "JSON",
  "Markdown",
  "ID",
  "Node OU",
];

describe("HA plans in Chinese", () => {
  it("wizard, preview and report in zh-CN: the console's terms, nothing English left, nothing overflowing", async () => {
    const { page, errors } = await open("?consoles=ha#/ha-plans/new");
    try {
      await switchLanguage(page, "zh-CN");
      const wizard = page.getByTestId("plan-wizard");
      await expect.poll(() => wizard.locator("h1").textContent()).toBe("新建高可用性计划");
      expect(await wizard.locator(".cds--progress-label").allTextContents()).toEqual([
        "源",
        "目标",
        "对等节点",
        "密码",
        "预览",
        "应用",
        "报告",
      ]);

      // Source: the required fields say so in Chinese; the page opened again starts clean.
      await next(page);
      expect(await page.getByText("请输入计划名称。").isVisible()).toBe(true);
      await switchLanguage(page, "zh-CN");
      await page.locator("#plan-name").fill("Org1 HA");
      await page.locator("#plan-source-console").selectOption("Dallas");
      // A new organization's seven names, two to a row, in Chinese.
      await check(page, "plan-mode-new");
      await page.locator("#plan-org-msp-id").fill("Org3MSP");
      await expect.poll(() => page.getByTestId("plan-new-org").isVisible()).toBe(true);
      expect(await page.getByTestId("plan-new-org").locator("legend").textContent()).toBe("新组织");
      expect(await page.getByTestId("plan-choices-new-org").textContent()).toContain("新组织尚无");
      expect(await overflowing(page, '[data-testid="plan-new-org"]')).toEqual([]);
      await check(page, "plan-mode-existing");
      await page.locator("#plan-source-console").selectOption("Dallas");
      await page.locator("#plan-source-ca").selectOption("org1ca");
      await page.locator("#plan-source-msp").selectOption("org1msp");
      await check(page, "plan-source-peer-org1peer0");
      await page.getByRole("combobox", { name: /新对等节点要加入的通道/ }).click();
      await page.getByRole("listbox").getByRole("option", { name: "mychannel（高度 12）" }).click();
      await page.keyboard.press("Escape");
      await page.getByRole("combobox", { name: /安装在新对等节点上的链码包/ }).click();
      await page
        .getByRole("listbox")
        .getByRole("option", { name: /^asset_1\.0/ })
        .click();
      await page.keyboard.press("Escape");
      expect(await wizard.locator("h2").textContent()).toBe("源：区域 1 中的组织");
      expect(await wizard.textContent()).toContain("证书颁发机构");
      expect(await wizard.textContent()).toContain("MSP 定义");
      const texts = "h1, h2, legend, label, button, .cds--progress-label, .cds--form__helper-text";
      expect(await englishLeftovers(page, '[data-testid="plan-wizard"]', texts, NAMES)).toEqual([]);
      expect(await overflowing(page, ".fhd-plan-form, .fhd-plan-progress")).toEqual([]);
      await screenshot(page, "plan-wizard-zh-CN");

      // Targets, then the densest step: the peers of each region.
      await next(page);
      expect(await wizard.locator("h2").textContent()).toBe("目标：要复制到的控制台（区域）");
      await check(page, "plan-target-Sydney");
      await check(page, "plan-target-London");
      await next(page);
      await expect.poll(() => page.getByTestId("plan-region-form").count()).toBe(2);
      expect(await wizard.locator("h2").textContent()).toBe("每个区域的对等节点");
      expect(await englishLeftovers(page, '[data-testid="plan-wizard"]', texts, NAMES)).toEqual([]);
      expect(await overflowing(page, ".fhd-plan-region")).toEqual([]);
      await next(page);
      expect(await wizard.locator("h2").textContent()).toBe(
        "密码：由谁在证书颁发机构注册新对等节点",
      );
      await page.locator("#plan-secret").fill(SECRET);
      await next(page);

      // Preview in Chinese: actions and verdicts.
      await expect.poll(() => view(page).getAttribute("data-plan")).toBe("Org1 HA");
      await expect
        .poll(() => page.locator('[data-stage="preview"]').getAttribute("data-ready"))
        .toBe("true");
      const sydney = page.locator('[data-testid="plan-preview-console"][data-console="Sydney"]');
      expect(await sydney.locator("th").allTextContents()).toEqual(["#", "操作", "步骤", "结论"]);
      expect(await sydney.textContent()).toContain("导入证书颁发机构");
      expect(await sydney.textContent()).toContain("将执行");
      expect(await page.getByTestId("plan-apply").textContent()).toBe("应用");
      // The checks' findings in Chinese too, and a console's verdict not naming it twice.
      const preview = page.locator('[data-stage="preview"]');
      expect(await preview.textContent()).not.toContain('console "Sydney"');
      expect(await overflowing(page, ".fhd-plan-stage")).toEqual([]);
      await screenshot(page, "ha-plan-preview-zh-CN");

      // Apply to the end, then the report.
      await page.getByTestId("plan-apply").click();
      await expect.poll(() => view(page).getAttribute("data-state")).toBe("completed");
      expect(await page.getByTestId("plan-state").textContent()).toMatch(
        /^已完成 · 已完成 \d+\/\d+ 个步骤/,
      );
      expect(await page.locator(".fhd-plan-subheading").first().textContent()).toBe("步骤日志");
      expect(await overflowing(page, ".fhd-plan-lane, .fhd-plan-buttons")).toEqual([]);
      await page.getByTestId("plan-to-report").click();
      await expect.poll(() => page.getByTestId("plan-report-region").count()).toBe(2);
      const report = page.getByTestId("plan-report");
      expect(await report.locator("th").first().textContent()).toBe("对等节点");
      expect(await report.textContent()).toContain("该组织的锚点对等节点：");
      expect(await report.textContent()).toContain("（配置块 12）");
      // The chaincode server's warning, worded in Chinese from its package and address.
      const warning = await report.locator(".cds--inline-notification").first().textContent();
      expect(warning).toContain("是链码即服务");
      expect(warning).toContain("asset.us-south.example.com:9999");
      expect(warning).not.toContain("is a chaincode-as-a-service package");
      expect(
        await englishLeftovers(page, '[data-testid="plan-view"]', "h1, h2, h3, th, button", NAMES),
      ).toEqual([]);
      expect(await overflowing(page, ".fhd-plan-stage, .fhd-plan-progress")).toEqual([]);
      await screenshot(page, "ha-plan-report-zh-CN");

      // The list: the plan's state and its peers counted the Chinese way.
      await page.locator(".fhd-plan-crumbs a").click();
      const tile = page.locator('[data-testid="plan-tile"][data-plan="Org1 HA"]');
      await expect.poll(() => tile.getAttribute("data-state")).toBe("completed");
      expect(await tile.textContent()).toContain("4 个新对等节点，分布在 2 个区域");
      expect(errors).toEqual([]);
    } finally {
      await switchLanguage(page, "en");
    }
  });
});
