// The real app window (WebKitGTK under Xvfb), driven through tauri-driver. One fresh workspace
// per run; what the window saves is read back with the real CLI from the same workspace.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { remote } from "webdriverio";

const APP = process.env.APP_BIN;
const CLI = process.env.CLI_BIN;
const PORT = 4444;
const home = mkdtempSync(join(tmpdir(), "fabric-ha-e2e-"));
process.env.FABRIC_HA_E2E_DIALOGS = join(home, "dialogs.json");
let driver;
let browser;

async function waitForDriver(deadlineMs) {
  const end = Date.now() + deadlineMs;
  let lastError;
  while (Date.now() < end) {
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}/status`);
      if (res.ok) return;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not answer on port ${PORT}: ${lastError}`);
}

function cli(...args) {
  return execFileSync(CLI, ["--data-dir", home, ...args], { encoding: "utf8" });
}

before(async () => {
  assert.ok(APP && CLI, "APP_BIN and CLI_BIN must be set (use tests/e2e/run.sh)");
  driver = spawn("tauri-driver", ["--port", String(PORT)], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, FABRIC_HA_HOME: home, FABRIC_HA_E2E_DIALOGS: join(home, "dialogs.json") },
  });
  await waitForDriver(20_000);
  browser = await remote({
    hostname: "127.0.0.1",
    port: PORT,
    logLevel: "warn",
    capabilities: {
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: APP },
    },
  });
});

after(async () => {
  await browser?.deleteSession().catch(() => {});
  driver?.kill();
  rmSync(home, { recursive: true, force: true });
});

async function heading() {
  const h1 = await browser.$("h1");
  await h1.waitForDisplayed({ timeout: 10_000 });
  return h1.getText();
}

async function go(label) {
  const item = await browser.$(`[aria-label="${label}"]`);
  await item.waitForClickable({ timeout: 10_000 });
  await item.click();
  await browser.waitUntil(async () => (await heading()) === label, {
    timeout: 10_000,
    timeoutMsg: `the ${label} page did not open`,
  });
}

test("first run: the welcome screen leads into the app and is remembered", async () => {
  const start = await browser.$("button*=Continue with an empty workspace");
  await start.waitForClickable({ timeout: 20_000 });
  await start.click();
  await browser.waitUntil(async () => (await browser.$$("nav [aria-label]")).length >= 7, {
    timeout: 10_000,
    timeoutMsg: "the navigation rail did not appear",
  });
  const saved = JSON.parse(cli("settings", "get", "--json"));
  assert.equal(saved.onboarded, true, "the window stored onboarded=true through update_settings");
});

test("navigate Nodes → Organizations → Wallet with the console's sections", async () => {
  await go("Nodes");
  const nodeSections = await browser.$$("h2").map((h) => h.getText());
  assert.deepEqual(nodeSections.slice(0, 3), ["Peers", "Certificate Authorities", "Ordering services"]);
  await go("Organizations");
  assert.ok((await browser.$$("h2").map((h) => h.getText())).includes("Available organizations"));
  await go("Wallet");
  assert.ok((await browser.$$("h2").map((h) => h.getText())).includes("Identities"));
});

test("Settings round trip: app_info shows this workspace; a saved preference reaches SQLite", async () => {
  await go("Settings");
  const dataDir = await browser.$("#settings-data-dir");
  await dataDir.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await dataDir.getText(), home, "app_info answered with the FABRIC_HA_HOME workspace");

  const size = await browser.$("#settings-page-size");
  await size.selectByVisibleText("25");
  await (await browser.$("#settings-save")).click();
  await browser.waitUntil(() => JSON.parse(cli("settings", "get", "--json")).pageSize === 25, {
    timeout: 10_000,
    timeoutMsg: "page size 25 never reached the workspace database",
  });

  const info = JSON.parse(cli("info", "--json"));
  assert.equal(info.secrets, "keyring", "the master key lives in the real gnome-keyring");
});

// Native dialogs are scripted in the e2e build (src-tauri/src/dialogs.rs): the test writes the
// "user's" choice to this file before clicking.
const corpus = join(import.meta.dirname, "..", "corpus", "artifacts");
function script(answer) {
  writeFileSync(process.env.FABRIC_HA_E2E_DIALOGS, JSON.stringify(answer));
}

test("Import through the dialog ends in a per-file report; tiles fill from the library", async () => {
  script({
    pick: [
      join(corpus, "good", "ca-v3.json"),
      join(corpus, "good", "peer-v3.json"),
      join(corpus, "bad", "peer-url-without-port.json"),
    ],
  });
  await go("Nodes");
  await (await browser.$("button*=Import peer")).click();
  const add = await browser.$("button*=Add file");
  await add.waitForClickable({ timeout: 10_000 });
  await add.click();
  const report = await browser.$('[data-testid="import-report"]');
  await report.waitForDisplayed({ timeout: 20_000 });
  const rows = await browser.$$('[data-testid="import-file"]');
  const statuses = [];
  for (const row of rows) statuses.push(await row.getAttribute("data-status"));
  assert.deepEqual(statuses, ["accepted", "accepted", "rejected"]);
  const rejected = await rows[2].getProperty("textContent");
  assert.match(rejected, /peer-url-without-port\.json/, "the row names the file");
  assert.match(rejected, /\$\.api_url/, "the rejection names the JSON path");
  assert.match(rejected, /port/, "and the reason");

  const listed = JSON.parse(cli("artifact", "list", "--json")).map((i) => i.displayName).sort();
  assert.deepEqual(listed, ["Org1 CA", "Org1 Peer 1"], "the window's import reached the workspace");
});
