// The window in Simplified Chinese, in real Chromium against the mock bundle: the language
// follows the webview's, Settings switches it at once and keeps it, the CJK face loads only
// then, the main pages show no English left over and nothing sticks out of its box. Writes
// docs/screenshots/*-zh-CN.png with UPDATE_SCREENSHOTS=1.
import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import {
  ipcCallsOf,
  type OpenedPage,
  overflowing,
  panelOpen,
  screenshot,
  serveMockApp,
} from "./harness";

const { open } = serveMockApp();

const STORAGE_KEY = "fhd.language";
const h1 = (page: Page) => page.locator("h1");
const sectionTitles = (page: Page) => page.locator("h2.fhd-section__title").allTextContents();

let current: Page | undefined;

/** Opens `path` with `language` chosen (as Settings keeps it in the webview's storage). */
async function openIn(language: "en" | "zh-CN", path: string): Promise<OpenedPage> {
  const opened = await open(path);
  current = opened.page;
  await opened.page.evaluate(({ key, l }) => localStorage.setItem(key, l), {
    key: STORAGE_KEY,
    l: language,
  });
  await opened.page.reload();
  await opened.page.waitForFunction(() =>
    (window.__ipcCalls ?? []).some((call: { cmd: string }) => call.cmd === "ui_ready"),
  );
  return opened;
}

// Every page of the browser shares the storage: the next test starts without a choice.
afterEach(async () => {
  await current?.evaluate((key) => localStorage.removeItem(key), STORAGE_KEY);
  await current?.close();
  current = undefined;
});

/** Names that stay as they are in every language: the mock's components, consoles and ids,
 * the product, and technical words the catalogs keep on purpose. */
const NAMES = [
  "Fabric HA Desktop",
  "Fabric Operations Console",
  "IBM Blockchain Platform",
  "IBM Cloud",
  "Hyperledger Fabric",
  "Ordering Service",
  "Orderer CA",
  "ordereradmin",
  "Legacy Peer",
  "Orderer MSP",
  "OrdererMSP",
  "Dallas",
  "Frankfurt",
  "Tokyo",
  "us-south",
  "eu-de",
  "jp-tok",
  "Node OU",
  "TLS CA",
  "JSON",
  "MSP",
  "IAM",
  "URL",
  "API",
  "PEM",
  "TLS",
  "zip",
  "age",
  "English",
  "Markdown",
  "fabric-ha sandbox --register",
  "-----BEGIN CERTIFICATE-----",
];

/** Visible text under `root` that still holds an English word (three letters or more) once
 * names, ids (Org1Peer0, Org1MSP), URLs and paths are taken out. */
async function englishLeftovers(page: Page, root: string): Promise<string[]> {
  const texts = await page
    .locator(root)
    .first()
    .evaluate((el) => {
      const out: string[] = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest("code, pre, [hidden], .fhd-tile__subtitle")) continue;
        if (parent.closest(".fhd-fact__value--mono, .fhd-check__name, .fhd-check__detail"))
          continue;
        const style = getComputedStyle(parent);
        if (style.visibility === "hidden" || style.display === "none") continue;
        if (parent.offsetParent === null && style.position !== "fixed") continue;
        const text = node.textContent?.trim();
        // Carbon's modal wraps its focus trap in two hidden spans with a fixed English text
        // that no prop replaces; nothing of ours.
        if (text && text !== "Focus sentinel") out.push(text);
      }
      // What screen readers and tooltips say: labels, titles, placeholders.
      for (const labelled of el.querySelectorAll("[aria-label], [title], [placeholder]")) {
        if (labelled.closest("code, pre, .fhd-tile__subtitle")) continue;
        for (const name of ["aria-label", "title", "placeholder"]) {
          const value = labelled.getAttribute(name)?.trim();
          if (value) out.push(value);
        }
      }
      return out;
    });
  return texts.filter((text) => {
    let rest = text;
    for (const name of [...NAMES].sort((a, b) => b.length - a.length)) {
      rest = rest.split(name).join(" ");
    }
    rest = rest
      .replace(/\b[a-z]+:\/\/\S+/g, " ") // URLs
      .replace(/(^|\s)\/\S+/g, " ") // paths
      .replace(/\b\S*\d\S*\b/g, " ") // ids with digits: Org1 Peer0, Org1MSP, 2.5.2
      .replace(/\b\S+\.(json|zip|pem)\b/g, " ");
    return /[A-Za-z]{3,}/.test(rest);
  });
}

/** The stylesheets and fonts the page has loaded, by file name. */
const loaded = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .map((e) => e.name.split("/").pop() ?? "")
      .filter((n) => /\.(css|woff2)$/.test(n)),
  );

describe("Simplified Chinese", () => {
  it("follows the webview's language when nothing was chosen", async () => {
    const { page, errors } = await open("#/nodes");
    current = page;
    await expect.poll(() => h1(page).textContent()).toBe("Nodes");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    // English: neither the zh-CN stylesheet nor the CJK face is fetched.
    expect((await loaded(page)).filter((n) => /zh-CN|noto-sans-sc/.test(n))).toEqual([]);

    await page.addInitScript(() => {
      Object.defineProperty(navigator, "language", { get: () => "zh-CN" });
      Object.defineProperty(navigator, "languages", { get: () => ["zh-CN", "zh"] });
    });
    await page.reload();
    await expect.poll(() => h1(page).textContent()).toBe("节点");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    expect(await sectionTitles(page)).toEqual(["对等节点", "证书颁发机构", "排序服务"]);
    // Only the webview's language: nothing was stored as a choice.
    expect(await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY)).toBeNull();
    expect(errors).toEqual([]);
  });

  it("Settings switches the language at once, keeps it, and stores it in the workspace", async () => {
    const { page, errors } = await open("#/settings");
    current = page;
    await expect.poll(() => h1(page).textContent()).toBe("Settings");
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    await page.locator("#settings-language").selectOption("zh-CN");
    await expect.poll(() => h1(page).textContent()).toBe("设置");
    // No reload: the same document, now in Chinese, rail included.
    expect(
      await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true);
    expect(
      await page
        .locator("nav.fhd-rail a")
        .evaluateAll((as) => as.map((a) => a.getAttribute("aria-label"))),
    ).toEqual(["控制台", "节点", "组织", "钱包", "高可用性计划", "高可用性检查", "离线包", "设置"]);
    await expect
      .poll(async () => (await ipcCallsOf(page, "update_settings")).at(-1)?.args)
      .toEqual({ settings: { language: "zh-CN", pageSize: 15, onboarded: true } });
    expect(await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY)).toBe("zh-CN");

    // The CJK face arrives with the language and Chinese is drawn in it: the face declared for
    // the CJK ranges under Plex's name (which Carbon's components ask for) is loaded.
    await page.evaluate(() => document.fonts.ready);
    await expect
      .poll(() =>
        page.evaluate(() =>
          [...document.fonts].some(
            (f) =>
              f.family.replace(/"/g, "") === "IBM Plex Sans" &&
              f.unicodeRange.includes("4E00") &&
              f.status === "loaded",
          ),
        ),
      )
      .toBe(true);
    expect(
      await page.evaluate(() => document.fonts.load('16px "Noto Sans SC"', "节点")),
    ).not.toHaveLength(0);
    expect((await loaded(page)).some((n) => /^noto-sans-sc-.*\.woff2$/.test(n))).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toMatch(
      /^"IBM Plex Sans", "Noto Sans SC"/,
    );

    // The next start is in Chinese too.
    await page.reload();
    await expect.poll(() => h1(page).textContent()).toBe("设置");
    await page.locator("#settings-run-doctor").click();
    await expect.poll(() => page.locator(".fhd-check").count()).toBe(4);
    expect(await englishLeftovers(page, "main")).toEqual([]);
    expect(await overflowing(page, ".fhd-card", { vertical: true })).toEqual([]);
    await screenshot(page, "settings-zh-CN");

    await page.locator("#settings-language").selectOption("en");
    await expect.poll(() => h1(page).textContent()).toBe("Settings");
    expect(errors).toEqual([]);
  });

  it("Nodes, Organizations and Wallet: Chinese labels, numbers and times, tiles intact", async () => {
    const { page, errors } = await openIn("zh-CN", "?library=demo#/nodes");
    await expect.poll(() => page.locator("#peers article").count()).toBe(1);
    expect(await h1(page).textContent()).toBe("节点");
    expect(await page.locator("#peers article .fhd-tile__label").allTextContents()).toEqual([
      "证书即将到期",
      "已导入",
      "-",
    ]);
    expect(await page.locator("#orderers article .fhd-tile__label").allTextContents()).toEqual([
      "3 个排序节点",
      "已导入",
      "-",
    ]);
    expect(await page.locator("#peers .fhd-pagination").textContent()).toContain(
      "第 1 - 1 项，共 1 项",
    );
    expect(await englishLeftovers(page, "main")).toEqual([]);
    expect(await overflowing(page, ".fhd-tile", { vertical: true })).toEqual([]);
    await screenshot(page, "nodes-zh-CN");

    await page.locator("#peers").getByRole("tab", { name: "列表视图" }).click();
    await expect
      .poll(() => page.locator("#peers thead th").allTextContents())
      .toEqual(["显示名称", "MSP ID", "位置", "URL", "状态"]);

    await page.locator('nav [aria-label="组织"]').click();
    await expect.poll(() => page.locator("#msps article").count()).toBe(1);
    expect(await sectionTitles(page)).toEqual(["可用组织"]);
    expect(await page.locator("#msps article").first().textContent()).toContain("节点 OU：已启用");
    expect(await englishLeftovers(page, "main")).toEqual([]);
    expect(await overflowing(page, ".fhd-tile", { vertical: true })).toEqual([]);
    await screenshot(page, "organizations-zh-CN");

    await page.locator('nav [aria-label="钱包"]').click();
    await expect.poll(() => page.locator("#identities article").count()).toBe(2);
    const labels = await page
      .locator("#identities article")
      .evaluateAll((els) =>
        els.map((el) =>
          [...el.querySelectorAll(".fhd-tile__label")].map((l) => l.textContent).join(" | "),
        ),
      );
    expect(labels[0]).toMatch(/^到期：(6|7)个月 \| CA：未知$/);
    expect(labels[1]).toMatch(/^到期：1[12]个月 \| CA：Org1 CA$/);
    expect(await englishLeftovers(page, "main")).toEqual([]);
    expect(await overflowing(page, ".fhd-tile", { vertical: true })).toEqual([]);
    await screenshot(page, "wallet-zh-CN");

    // A library item's side panel: facts, dates through Intl, buttons.
    await page.locator("#identities article").nth(1).locator(".fhd-tile__open").click();
    const panel = page.locator("#library-detail-panel");
    await panelOpen(panel);
    expect(await panel.locator(".fhd-fact__label").first().textContent()).toBe("类型");
    expect(await panel.locator('[data-fact="expiry"] dd').textContent()).toMatch(
      /^\d{4}年\d{1,2}月\d{1,2}日 .*（1[12]个月后）$/,
    );
    expect(await panel.getByRole("button", { name: "导出" }).count()).toBe(1);
    expect(await englishLeftovers(page, "#library-detail-panel .cds--modal-container")).toEqual([]);
    expect(
      await overflowing(page, "#library-detail-panel .cds--modal-container", { vertical: true }),
    ).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("Consoles, one console and all regions", async () => {
    const { page, errors } = await openIn("zh-CN", "#/consoles");
    const tiles = page.locator('[data-testid="console-tile"]');
    await expect.poll(() => tiles.count()).toBe(3);
    expect(await h1(page).textContent()).toBe("控制台");
    expect(
      await page
        .locator('[data-testid="console-tile"][data-console="Dallas"] .fhd-tile__label')
        .allTextContents(),
    ).toEqual(["沙箱", "https://127.0.0.1:3001"]);
    expect(await page.getByTestId("consoles-tab-regions").textContent()).toBe("所有区域");
    expect(await englishLeftovers(page, "main")).toEqual([]);
    expect(await overflowing(page, ".fhd-tile", { vertical: true })).toEqual([]);
    await screenshot(page, "consoles-zh-CN");

    // The add form in its side panel, with the validation messages.
    await page.getByRole("button", { name: "添加控制台" }).click();
    const form = page.locator("#console-form-panel");
    await panelOpen(form);
    await page.locator("#console-form-submit").click();
    await expect.poll(() => form.getByText("请输入显示名称。").isVisible()).toBe(true);
    expect(await form.getByText("请输入控制台的 URL。").isVisible()).toBe(true);
    expect(await englishLeftovers(page, "#console-form-panel .cds--modal-container")).toEqual([]);
    expect(
      await overflowing(page, "#console-form-panel .cds--modal-container", { vertical: true }),
    ).toEqual([]);
    await screenshot(page, "add-console-zh-CN", true);
    await form.getByRole("button", { name: "取消" }).click();
    await expect.poll(() => form.count()).toBe(0);

    await page.getByRole("button", { name: "显示 Dallas 的详细信息" }).click();
    await expect.poll(() => page.locator("#console-peers article").count()).toBe(3);
    await expect
      .poll(() => page.getByTestId("console-fetched").textContent())
      .toMatch(/^上次获取于 /);
    expect(await page.locator("h2.fhd-console-group").allTextContents()).toEqual(["节点", "组织"]);
    expect(await englishLeftovers(page, "main")).toEqual([]);
    expect(await overflowing(page, ".fhd-tile", { vertical: true })).toEqual([]);
    await screenshot(page, "console-detail-zh-CN");

    await page.goto(page.url().replace(/#.*$/, "#/consoles/regions"));
    const columns = page.locator('[data-testid="region-column"]');
    await expect.poll(() => columns.count()).toBe(3);
    const dallas = columns.filter({ has: page.locator('[href="#/consoles/c/Dallas"]') });
    await expect.poll(() => dallas.locator('[data-testid="region-tile"]').count()).toBe(8);
    expect(await dallas.locator(".fhd-region__section-title").allInnerTexts()).toEqual([
      "证书颁发机构 2",
      "组织 2",
      "对等节点 3",
      "排序服务 1",
    ]);
    expect(await englishLeftovers(page, "main")).toEqual([]);
    expect(await overflowing(page, ".fhd-region", { vertical: true })).toEqual([]);
    await screenshot(page, "all-regions-zh-CN");
    expect(errors).toEqual([]);
  });

  it("panels and reports: list view, import report, bulk export, a verdict, a copy", async () => {
    const { page, errors } = await openIn("zh-CN", "?tiles=demo#/nodes");
    await expect.poll(() => page.locator("#peers article").count()).toBe(5);
    await page.locator("#peers").getByRole("tab", { name: "列表视图" }).click();
    await expect.poll(() => page.locator("#peers tbody tr").count()).toBe(5);
    expect(await page.locator("#peers .fhd-status-cell").first().textContent()).toBe("运行中");
    expect(await englishLeftovers(page, "#peers")).toEqual([]);
    await screenshot(page, "nodes-list-zh-CN");

    // Import peer: the side panel, then the per-file report.
    await page
      .locator("#cas")
      .getByRole("button", { name: /导入证书颁发机构/ })
      .click();
    const panel = page.locator("#import-ca-panel");
    await panelOpen(panel);
    expect(await panel.locator(".cds--modal-header__heading").textContent()).toBe(
      "添加证书颁发机构",
    );
    await panel.getByRole("button", { name: "添加文件" }).click();
    await expect.poll(() => panel.locator('[data-testid="import-file"]').count()).toBe(3);
    expect(await panel.getByRole("status").textContent()).toBe(
      "3 个文件：1 个已接受、1 个已接受但有警告、1 个已拒绝。",
    );
    expect(await panel.getByText("此文件中的内容均未存储。").isVisible()).toBe(true);
    expect(
      await overflowing(page, "#import-ca-panel .cds--modal-container", { vertical: true }),
    ).toEqual([]);
    await screenshot(page, "import-report-zh-CN", true, [600, 450]);
    await panel.getByRole("button", { name: "完成" }).click();
    await expect.poll(() => panel.count()).toBe(0);

    // Settings → Bulk data management → Export, identities ticked.
    await page.locator('nav [aria-label="设置"]').click();
    await page.locator("#settings-bulk-export").click();
    const bulk = page.locator("#bulk-export-panel");
    await panelOpen(bulk);
    await bulk.getByText("身份", { exact: true }).click();
    await expect.poll(() => bulk.locator(".fhd-important").isVisible()).toBe(true);
    expect(await englishLeftovers(page, "#bulk-export-panel .cds--modal-container")).toEqual([]);
    expect(
      await overflowing(page, "#bulk-export-panel .cds--modal-container", { vertical: true }),
    ).toEqual([]);
    await screenshot(page, "bulk-export-zh-CN", true, [600, 450]);
    await bulk.getByRole("button", { name: "取消" }).click();
    await expect.poll(() => bulk.count()).toBe(0);

    // Test connection: the verdict's sentence and fix, from the error code.
    await page.locator('nav [aria-label="控制台"]').click();
    const tokyo = page.locator('[data-testid="console-tile"][data-console="Tokyo"]');
    await tokyo.getByRole("button", { name: "Tokyo 的操作" }).click();
    await page.getByRole("menuitem", { name: "测试连接" }).click();
    const verdict = page.locator('[data-testid="console-verdict"][data-console="Tokyo"]');
    await expect.poll(() => verdict.isVisible()).toBe(true);
    expect(await verdict.textContent()).toContain("Tokyo：控制台不接受该 API 密钥和私钥。");
    expect(await verdict.textContent()).toContain("测试于 ");
    await screenshot(page, "console-test-zh-CN");

    // A copy between regions, from the tile's menu: the report in its panel.
    await page.getByTestId("consoles-tab-regions").click();
    const columns = page.locator('[data-testid="region-column"]');
    await expect.poll(() => columns.count()).toBe(3);
    const dallas = columns.filter({ has: page.locator('[href="#/consoles/c/Dallas"]') });
    const peer0 = dallas.locator('[data-testid="region-tile"][data-name="Org1 Peer0"]');
    await expect.poll(() => peer0.count()).toBe(1);
    await peer0.getByRole("button", { name: "Org1 Peer0 的操作" }).click();
    await page.getByRole("menuitem", { name: "复制到 Tokyo" }).click();
    const report = page.locator("#console-report-panel");
    await expect.poll(() => report.locator('[data-testid="console-import-item"]').count()).toBe(1);
    expect(await report.locator(".cds--modal-header__heading").textContent()).toBe("复制到 Tokyo");
    expect(await report.getByRole("status").textContent()).toBe("Tokyo — 1 个组件：1 个已导入。");
    await panelOpen(report);
    expect(await englishLeftovers(page, "#console-report-panel .cds--modal-container")).toEqual([]);
    await screenshot(page, "copy-report-zh-CN", true);
    expect(errors).toEqual([]);
  });

  it("the drop overlay counts the files in Chinese", async () => {
    const { page, errors } = await openIn("zh-CN", "?library=demo#/organizations");
    await expect.poll(() => page.locator("#msps article").count()).toBe(1);
    const overlay = page.getByTestId("drop-overlay");
    const payload = {
      paths: ["/home/operator/Downloads/Org3 MSP_msp.json", "/home/operator/notes.txt"],
      position: { x: 400, y: 300 },
    };
    // The listener is set up just after the first frame: send until the overlay shows.
    await expect
      .poll(async () => {
        await page.evaluate((p) => window.__emitTauriEvent("tauri://drag-enter", p), payload);
        return overlay.isVisible();
      })
      .toBe(true);
    expect(await overlay.locator(".fhd-drop__title").textContent()).toBe("拖放控制台文件以导入");
    expect(await overlay.locator(".fhd-drop__hint").textContent()).toBe(
      "JSON 文件或批量导出的 zip 文件；离线包将在“离线包”中打开 · 2 个文件",
    );
    await screenshot(page, "drop-overlay-zh-CN", true);
    await page.evaluate(() => window.__emitTauriEvent("tauri://drag-leave", null));
    await expect.poll(() => overlay.count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("first run and an error's sentence and fix", async () => {
    const { page, errors } = await openIn("zh-CN", "?firstRun=1");
    await expect
      .poll(() => page.getByRole("heading", { name: "欢迎使用 Fabric HA Desktop" }).isVisible())
      .toBe(true);
    expect(await englishLeftovers(page, "main")).toEqual([]);
    expect(await overflowing(page, ".fhd-welcome", { vertical: true })).toEqual([]);
    await screenshot(page, "first-run-zh-CN");
    await page.getByRole("button", { name: /离线工作/ }).click();
    await expect.poll(() => h1(page).textContent()).toBe("节点");

    // A failing command: the toast carries the code's Chinese sentence and fix.
    await page.goto(page.url().replace(/\?.*$/, "?fail=library_export_dialog&library=demo#/nodes"));
    await expect.poll(() => page.locator("#peers article").count()).toBe(1);
    await page.locator("#peers article .fhd-tile__open").click();
    const panel = page.locator("#library-detail-panel");
    await panelOpen(panel);
    await panel.getByRole("button", { name: "导出" }).click();
    const toast = page.locator(".cds--toast-notification");
    await expect.poll(() => toast.count()).toBe(1);
    expect(await toast.textContent()).toContain("Fabric HA Desktop 内部发生了意外错误。");
    expect(await toast.textContent()).toContain("请在“设置”中运行诊断");
    expect(errors.filter((e) => !/library_export_dialog/.test(e))).toEqual([]);
  });
});
