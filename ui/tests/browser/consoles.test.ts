// The Consoles page in real Chromium against the mock bundle: the registry, the add/edit form,
// "Test connection", one console's live tiles, the all-regions view with drag and drop between
// regions, and importing library artifacts into a console. Writes docs/screenshots with
// UPDATE_SCREENSHOTS=1.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  ipcCallsOf,
  overflowing,
  PROD_DIST,
  panelOpen,
  screenshot,
  serveMockApp,
  UI_DIR,
} from "./harness";

const { open } = serveMockApp();
const callsOf = ipcCallsOf;

const consoleTiles = (page: Page) => page.locator('[data-testid="console-tile"]');
const column = (page: Page, name: string) =>
  page.locator(`[data-testid="region-column"][data-console="${name}"]`);
const regionTile = (col: Locator, kind: string, name: string) =>
  col.locator(`[data-testid="region-tile"][data-kind="${kind}"][data-name="${name}"]`);
const reportOutcomes = (page: Page) =>
  page
    .locator('[data-testid="console-import-report"] [data-testid="console-import-item"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-outcome")));

describe("Consoles", () => {
  it("lists the consoles as tiles: region, URL, Sandbox, verdict square", async () => {
    const { page, errors } = await open("#/consoles");
    await expect.poll(() => consoleTiles(page).count()).toBe(3);
    expect(
      await consoleTiles(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-console"))),
    ).toEqual(["Dallas", "Frankfurt", "Tokyo"]);
    const dallas = page.locator('[data-testid="console-tile"][data-console="Dallas"]');
    expect(await dallas.locator(".fhd-tile__subtitle").textContent()).toBe("us-south");
    expect(await dallas.locator(".fhd-tile__label").allTextContents()).toEqual([
      "Sandbox",
      "https://127.0.0.1:3001",
    ]);
    const squares = await consoleTiles(page)
      .locator(".fhd-status-square")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
    // ready · import-only (usable, limited) · never tested
    expect(squares).toEqual(["running", "partial", "unknown"]);
    await screenshot(page, "consoles");
    expect(errors).toEqual([]);
  });

  it("shows the empty state with the sandbox hint (?consoles=none)", async () => {
    const { page, errors } = await open("?consoles=none#/consoles");
    await expect.poll(() => page.getByText("No consoles yet").isVisible()).toBe(true);
    expect(await page.locator("#consoles").textContent()).toContain("fabric-ha sandbox --register");
    await page.getByTestId("consoles-tab-regions").click();
    await expect.poll(() => page.url()).toMatch(/#\/consoles\/regions$/);
    expect(await page.getByText("No consoles yet").isVisible()).toBe(true);
    expect(await page.locator('[data-testid="region-column"]').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("Add console: validates the form, then sends it once and tests the connection", async () => {
    const { page, errors } = await open("#/consoles");
    await expect.poll(() => consoleTiles(page).count()).toBe(3);
    await page.getByRole("button", { name: /Add console/ }).click();
    const panel = page.locator("#console-form-panel");
    await panelOpen(panel);
    expect(await panel.locator(".cds--modal-header__heading").textContent()).toBe("Add console");

    const submit = panel.locator("#console-form-submit");
    await submit.click();
    for (const text of [
      "Enter a display name.",
      "Enter the console's URL.",
      "Enter the API key.",
      "Enter the API secret.",
    ]) {
      expect(await panel.getByText(text).isVisible(), text).toBe(true);
    }
    expect(await callsOf(page, "console_add")).toEqual([]);

    await panel.locator("#console-form-name").fill("dallas");
    await panel.locator("#console-form-url").fill("ftp://console.example.com");
    await expect
      .poll(() => panel.getByText("A console called “dallas” already exists.").isVisible())
      .toBe(true);
    expect(await panel.getByText(/Enter an https:\/\/ \(or http:\/\/\) URL/).isVisible()).toBe(
      true,
    );

    await panel.locator("#console-form-name").fill("Sydney");
    await panel.locator("#console-form-region").fill("au-syd");
    await panel.locator("#console-form-url").fill("http://127.0.0.1:3010");
    await expect.poll(() => panel.getByText(/^Not encrypted: /).isVisible()).toBe(true);

    await panel.locator(".fhd-seg__option", { hasText: "Username and password" }).click();
    expect(await panel.getByRole("radio", { name: "Username and password" }).isChecked()).toBe(
      true,
    );
    await panel.locator("#console-form-username").fill("admin");
    await panel.locator("#console-form-password").fill("bootstrap-pw-1");
    expect(
      await panel
        .getByText("Used once to create an API key, which is stored instead.", {
          exact: false,
        })
        .isVisible(),
    ).toBe(true);

    await panel.locator("#console-form-caCertPem").fill("not a certificate");
    await expect.poll(() => panel.getByText(/^Paste a PEM certificate/).isVisible()).toBe(true);
    const pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";
    await panel.getByTestId("console-form-ca-file").setInputFiles({
      name: "console-ca.pem",
      mimeType: "application/x-pem-file",
      buffer: Buffer.from(pem),
    });
    await expect.poll(() => panel.locator("#console-form-caCertPem").inputValue()).toBe(pem);
    await screenshot(page, "add-console", true);

    await submit.click();
    await expect.poll(() => panel.count()).toBe(0);
    expect((await callsOf(page, "console_add")).map((c) => c.args)).toEqual([
      {
        input: {
          name: "Sydney",
          region: "au-syd",
          url: "http://127.0.0.1:3010",
          auth: { kind: "password", username: "admin", password: "bootstrap-pw-1" },
          caCertPem: pem.trim(),
        },
      },
    ]);
    const sydney = page.locator('[data-testid="console-tile"][data-console="Sydney"]');
    await expect.poll(() => sydney.isVisible()).toBe(true);
    expect(await sydney.locator(".fhd-tile__label").allTextContents()).toEqual([
      "Not encrypted",
      "http://127.0.0.1:3010",
    ]);
    // A new console is tested right away.
    expect((await callsOf(page, "console_test")).map((c) => c.args)).toEqual([{ name: "Sydney" }]);
    await expect
      .poll(() => page.locator('[data-testid="console-verdict"][data-console="Sydney"]').count())
      .toBe(1);
    // The password lived in the form only.
    expect(await page.evaluate(() => document.body.innerHTML.includes("bootstrap-pw-1"))).toBe(
      false,
    );
    expect(errors).toEqual([]);
  });

  it("Add console on IBM Cloud: an IBM Cloud API key and an optional IAM token URL", async () => {
    const { page, errors } = await open("#/consoles");
    await expect.poll(() => consoleTiles(page).count()).toBe(3);
    await page.getByRole("button", { name: /Add console/ }).click();
    const panel = page.locator("#console-form-panel");
    await panelOpen(panel);
    await panel.locator("#console-form-name").fill("IBM Dallas");
    await panel.locator("#console-form-url").fill("https://ibp-console.us-south.example.com");

    await panel.locator(".fhd-seg__option", { hasText: "IBM Cloud API key" }).click();
    expect(await panel.getByRole("radio", { name: "IBM Cloud API key" }).isChecked()).toBe(true);
    expect(await panel.locator("#console-form-apiKey").count()).toBe(0);
    expect(await panel.locator("#console-form-iamApiKey").getAttribute("type")).toBe("password");
    expect(
      await panel
        .getByText("Empty: IBM Cloud's, https://iam.cloud.ibm.com/identity/token.")
        .isVisible(),
    ).toBe(true);
    expect(await overflowing(page, "#console-form-panel .cds--modal-container")).toEqual([]);

    const submit = panel.locator("#console-form-submit");
    await submit.click();
    await expect.poll(() => panel.getByText("Enter the IBM Cloud API key.").isVisible()).toBe(true);
    expect(await callsOf(page, "console_add")).toEqual([]);
    await panel.locator("#console-form-iamApiKey").fill("ibm-cloud-key-1");
    await panel.locator("#console-form-tokenUrl").fill("http://iam.example.com/identity/token");
    await expect
      .poll(() => panel.getByText(/^Enter an https:\/\/ URL without user name/).isVisible())
      .toBe(true);
    await panel.locator("#console-form-tokenUrl").fill("");
    await submit.click();
    await expect.poll(() => panel.count()).toBe(0);
    expect((await callsOf(page, "console_add")).map((c) => c.args)).toEqual([
      {
        input: {
          name: "IBM Dallas",
          region: "",
          url: "https://ibp-console.us-south.example.com",
          auth: { kind: "iam", iamApiKey: "ibm-cloud-key-1", tokenUrl: null },
          caCertPem: null,
        },
      },
    ]);
    // The IBM Cloud API key lived in the form only.
    expect(await page.evaluate(() => document.body.innerHTML.includes("ibm-cloud-key-1"))).toBe(
      false,
    );

    await page.getByRole("button", { name: "Show details of IBM Dallas" }).click();
    const tag = page.getByTestId("console-iam-tag");
    await expect.poll(() => tag.textContent()).toBe("IBM Cloud IAM");
    expect(await tag.getAttribute("title")).toBe(
      "Signs in with an IBM Cloud API key; IAM token URL https://iam.cloud.ibm.com/identity/token",
    );
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    await panelOpen(panel);
    await panel.getByText("Replace the stored credentials (IBM Cloud IAM)").click();
    expect(await panel.getByRole("radio", { name: "IBM Cloud API key" }).isChecked()).toBe(true);
    expect(await panel.locator("#console-form-tokenUrl").inputValue()).toBe("");
    await panel.locator("#console-form-iamApiKey").fill("ibm-cloud-key-2");
    await panel
      .locator("#console-form-tokenUrl")
      .fill("https://iam.test.cloud.ibm.com/identity/token");
    await submit.click();
    await expect.poll(() => panel.count()).toBe(0);
    expect((await callsOf(page, "console_update")).map((c) => c.args)).toEqual([
      {
        name: "IBM Dallas",
        input: {
          name: "IBM Dallas",
          region: "",
          url: "https://ibp-console.us-south.example.com",
          auth: {
            kind: "iam",
            iamApiKey: "ibm-cloud-key-2",
            tokenUrl: "https://iam.test.cloud.ibm.com/identity/token",
          },
          caCertPem: null,
        },
      },
    ]);
    await expect
      .poll(() => tag.getAttribute("title"))
      .toBe(
        "Signs in with an IBM Cloud API key; IAM token URL https://iam.test.cloud.ibm.com/identity/token",
      );
    expect(errors).toEqual([]);
  });

  it("Test connection shows the verdict's sentence and fix", async () => {
    const { page, errors } = await open("#/consoles");
    const tokyo = page.locator('[data-testid="console-tile"][data-console="Tokyo"]');
    await tokyo.getByRole("button", { name: "Actions for Tokyo" }).click();
    await page.getByRole("menuitem", { name: "Test connection" }).click();
    const verdict = page.locator('[data-testid="console-verdict"][data-console="Tokyo"]');
    await expect.poll(() => verdict.isVisible()).toBe(true);
    expect(await verdict.getAttribute("data-code")).toBe("console_unauthorized");
    const text = await verdict.textContent();
    expect(text).toContain("Tokyo: The console did not accept the API key and secret.");
    expect(text).toContain("Check the API key and secret");
    expect(await verdict.getAttribute("class")).toContain("cds--inline-notification--error");
    await expect
      .poll(() => tokyo.locator(".fhd-status-square").getAttribute("data-status"))
      .toBe("stopped");
    await screenshot(page, "console-test");
    expect(errors).toEqual([]);
  });

  it("one console: live Nodes and Organizations tiles, refresh, Save file", async () => {
    const { page, errors } = await open("#/consoles");
    await page.getByRole("button", { name: "Show details of Dallas" }).click();
    await expect.poll(() => page.url()).toMatch(/#\/consoles\/c\/Dallas$/);
    await expect.poll(() => page.locator("#console-peers article").count()).toBe(3);
    expect(await page.locator("h1").textContent()).toBe("Dallas");
    expect(await page.locator("#console-cas article h3").allTextContents()).toEqual([
      "Org1 CA",
      "Orderer CA",
    ]);
    const orderer = page.locator("#console-orderers article").first();
    expect(await orderer.locator(".fhd-tile__label").allTextContents()).toEqual([
      "3 ordering nodes",
      "Imported",
      "-",
    ]);
    expect(await page.locator("#console-msps article").count()).toBe(2);
    const statuses = await page
      .locator("#console-peers .fhd-status-square")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
    expect(statuses).toEqual(["running", "pending", "undetectable"]);
    await expect
      .poll(() => page.getByTestId("console-fetched").textContent())
      .toMatch(/^Last fetched /);
    await screenshot(page, "console-detail");

    const before = (await callsOf(page, "console_components")).length;
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect
      .poll(async () => (await callsOf(page, "console_components")).length)
      .toBe(before + 1);
    // An explicit refresh reads past the backend's cache.
    expect((await callsOf(page, "console_components")).at(-1)?.args).toEqual({
      name: "Dallas",
      fresh: true,
    });

    await page.getByRole("button", { name: "Actions for Org1 CA" }).click();
    await page.getByRole("menuitem", { name: "Save file…" }).click();
    await expect
      .poll(() => page.getByText("Saved to /home/operator/Downloads/Org1 CA_ca.json").isVisible())
      .toBe(true);
    expect((await callsOf(page, "console_export_dialog")).map((c) => c.args)).toEqual([
      { name: "Dallas", componentId: "org1ca" },
    ]);

    await page.getByRole("button", { name: "Actions for Org1 MSP" }).click();
    await page.getByRole("menuitem", { name: "Export to library" }).click();
    const report = page.locator("#import-report-panel");
    await expect.poll(() => report.locator('[data-testid="import-file"]').count()).toBe(1);
    expect(await report.textContent()).toContain("Org1 MSP — new");
    expect(errors).toEqual([]);
  });

  it("console errors show the sentence and the fix", async () => {
    const { page } = await open("?fail=console_components#/consoles/c/Dallas");
    const notice = page.getByTestId("console-error");
    await expect.poll(() => notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain(
      "Dallas could not be read: Something unexpected went wrong inside Fabric HA Desktop.",
    );
  });
});

describe("All regions", () => {
  it("one column per console; drag a tile onto another column: imported, then already present", async () => {
    const { page, errors } = await open("#/consoles");
    await expect.poll(() => consoleTiles(page).count()).toBe(3);
    // One click from the Consoles page.
    await page.getByTestId("consoles-tab-regions").click();
    const columns = page.locator('[data-testid="region-column"]');
    await expect.poll(() => columns.count()).toBe(3);
    expect(
      await columns.evaluateAll((els) => els.map((e) => e.getAttribute("data-console"))),
    ).toEqual(["Dallas", "Frankfurt", "Tokyo"]);
    // Side by side.
    const boxes = await columns.evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { x: Math.round(r.x), y: Math.round(r.y) };
      }),
    );
    expect(new Set(boxes.map((b) => b.y)).size).toBe(1);
    expect(boxes.map((b) => b.x)).toEqual([...boxes.map((b) => b.x)].sort((a, b) => a - b));

    const dallas = column(page, "Dallas");
    const tokyo = column(page, "Tokyo");
    await expect.poll(() => dallas.locator('[data-testid="region-tile"]').count()).toBe(8);
    expect(await dallas.textContent()).toContain("us-south");
    expect(await regionTile(dallas, "ca", "Org1 CA").count()).toBe(1);
    expect(await regionTile(dallas, "msp", "Org1 MSP").count()).toBe(1);
    expect(await regionTile(column(page, "Frankfurt"), "peer", "Org1 Peer2").count()).toBe(1);
    await expect.poll(() => regionTile(tokyo, "msp", "Org2 MSP").count()).toBe(1);
    expect(await regionTile(tokyo, "peer", "Org1 Peer0").count()).toBe(0);
    await screenshot(page, "all-regions");

    // Drag Org1 Peer0 from Dallas onto Tokyo's column.
    await regionTile(dallas, "peer", "Org1 Peer0").dragTo(tokyo);
    const panel = page.locator("#console-report-panel");
    await expect.poll(() => reportOutcomes(page)).toEqual(["imported"]);
    expect(await panel.locator(".cds--modal-header__heading").textContent()).toBe("Copy to Tokyo");
    expect(await panel.getByRole("status").textContent()).toBe("Tokyo — 1 component: 1 imported.");
    expect((await callsOf(page, "console_copy")).map((c) => c.args)).toEqual([
      { from: "Dallas", to: "Tokyo", componentIds: ["org1peer0"] },
    ]);
    await screenshot(page, "copy-report", true);
    await panel.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => panel.count()).toBe(0);
    // Tokyo's column was read again and holds the copy.
    await expect.poll(() => regionTile(tokyo, "peer", "Org1 Peer0").count()).toBe(1);

    // The same drag again: already present, nothing new.
    await regionTile(dallas, "peer", "Org1 Peer0").dragTo(tokyo);
    await expect.poll(() => reportOutcomes(page)).toEqual(["alreadyPresent"]);
    expect(await panel.textContent()).toContain("already present as org1peer0");
    await panel.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => panel.count()).toBe(0);
    expect(await regionTile(tokyo, "peer", "Org1 Peer0").count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it("a tile dropped on its own column does nothing", async () => {
    const { page } = await open("#/consoles/regions");
    const dallas = column(page, "Dallas");
    await expect.poll(() => regionTile(dallas, "ca", "Org1 CA").count()).toBe(1);
    await regionTile(dallas, "ca", "Org1 CA").dragTo(dallas);
    // A drop that does copy, afterwards: its report proves the first drop was handled (in
    // order) and asked for nothing.
    await regionTile(dallas, "ca", "Org1 CA").dragTo(column(page, "Tokyo"));
    await expect.poll(() => reportOutcomes(page)).toEqual(["imported"]);
    expect((await callsOf(page, "console_copy")).map((c) => c.args)).toEqual([
      { from: "Dallas", to: "Tokyo", componentIds: ["org1ca"] },
    ]);
  });

  it("Copy to… from the keyboard, with the console's message when it refuses", async () => {
    const { page, errors } = await open("#/consoles/regions");
    const dallas = column(page, "Dallas");
    const legacy = regionTile(dallas, "peer", "Legacy Peer");
    await expect.poll(() => legacy.count()).toBe(1);
    await legacy.getByRole("button", { name: "Actions for Legacy Peer" }).focus();
    await page.keyboard.press("Enter");
    const menu = page.getByRole("menu", { name: "Actions for Legacy Peer" });
    await expect.poll(() => menu.isVisible()).toBe(true);
    expect(await menu.getByRole("menuitem").allTextContents()).toEqual([
      "Channels and chaincode",
      "Join channel…",
      "Install chaincode…",
      "HA check of Org1MSP",
      "Export to library",
      "Save file…",
      "Copy to Frankfurt",
      "Copy to Tokyo",
    ]);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe("Channels and chaincode");
    await page.keyboard.press("End");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Enter");
    await expect.poll(() => reportOutcomes(page)).toEqual(["rejected"]);
    expect(await page.locator("#console-report-panel").textContent()).toContain(
      "Expected parameter 'msp.component.tls_cert' to be a Base64 encoded PEM-string.",
    );
    expect((await callsOf(page, "console_copy")).map((c) => c.args)).toEqual([
      { from: "Dallas", to: "Frankfurt", componentIds: ["legacypeer"] },
    ]);
    expect(errors).toEqual([]);
  });
});

describe("Import library artifacts into a console", () => {
  it("from a library item's detail panel: imported, then already present", async () => {
    const { page, errors } = await open("?library=demo#/nodes");
    await page.locator('#peers article[aria-label="Org1 Peer0"]').click();
    const detail = page.locator("#library-detail-panel");
    await panelOpen(detail);
    await detail.getByRole("button", { name: "Import into console…" }).click();
    const panel = page.locator("#import-into-console-panel");
    await panelOpen(panel);
    await expect.poll(() => panel.locator("#import-into-console-target option").count()).toBe(3);
    expect(await panel.locator("#import-pick-lib-peer-org1-peer0").isChecked()).toBe(true);
    await panel.locator("#import-into-console-target").selectOption("Tokyo");
    await panel.getByText("Org1 CA", { exact: true }).click();
    await panel.locator("#import-into-console-submit").click();
    await expect.poll(() => reportOutcomes(page)).toEqual(["imported", "imported"]);
    expect((await callsOf(page, "console_import")).map((c) => c.args)).toEqual([
      { name: "Tokyo", artifactIds: ["lib-ca-org1", "lib-peer-org1-peer0"] },
    ]);
    await panel.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => panel.count()).toBe(0);

    // Again, into the same console: nothing is imported twice.
    await page.locator('#peers article[aria-label="Org1 Peer0"]').click();
    await panelOpen(detail);
    await detail.getByRole("button", { name: "Import into console…" }).click();
    await panelOpen(panel);
    await expect.poll(() => panel.locator("#import-into-console-target option").count()).toBe(3);
    await panel.locator("#import-into-console-target").selectOption("Tokyo");
    await panel.locator("#import-into-console-submit").click();
    await expect.poll(() => reportOutcomes(page)).toEqual(["alreadyPresent"]);
    expect(errors).toEqual([]);
  });
});

describe("production bundle", () => {
  it("keeps the consoles code out of the startup bundle", () => {
    if (!existsSync(join(PROD_DIST, "index.html"))) {
      execFileSync("npx", ["vite", "build"], { cwd: UI_DIR, stdio: "inherit" });
    }
    // What index.html loads before the first page: the consoles' views and styles are not
    // in it (only the IPC wrappers of api.ts, a few hundred bytes, are).
    const html = readFileSync(join(PROD_DIST, "index.html"), "utf8");
    const startup = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.(?:js|css))"/g)].map(
      (m) => m[1] as string,
    );
    expect(startup.length).toBeGreaterThan(0);
    for (const file of startup) {
      const text = readFileSync(join(PROD_DIST, file), "utf8");
      for (const marker of ["fhd-regions", "fhd-rtile", "region-column", "console-form-panel"]) {
        expect(text, file).not.toContain(marker);
      }
    }
    expect(readdirSync(join(PROD_DIST, "assets")).some((f) => f.startsWith("ConsolesPage"))).toBe(
      true,
    );
  });
});
