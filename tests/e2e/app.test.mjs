// The real app window (WebKitGTK under Xvfb), driven through tauri-driver. One fresh workspace
// per run; what the window saves is read back with the real CLI from the same workspace.
import { spawn, execFileSync } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
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
  await startApp();
});

/** Starts the app (a new WebDriver session is a new app process), with `args` on its command
 * line. */
async function startApp(args = []) {
  browser = await remote({
    hostname: "127.0.0.1",
    port: PORT,
    logLevel: "warn",
    capabilities: {
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: APP, args },
    },
  });
}

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

/** Where the page took its start-up data from: "window" (handed over with the window) or "ipc". */
async function bootSource() {
  return browser.execute(() => performance.getEntriesByName("fhd:boot")[0]?.detail ?? null);
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

// A real drag from another X11 client: tests/e2e/dragsource.py offers files as text/uri-list the
// way a file manager does, and xdotool moves the real pointer (XTEST) from it onto the window.
// Every step waits for an event (the source's "begin"/"end", the window's drop overlay).
function xdo(...args) {
  execFileSync("xdotool", args.map(String));
}

function lines(child) {
  const queue = [];
  const waiters = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    const w = waiters.findIndex((x) => line.startsWith(x.prefix));
    if (w >= 0) waiters.splice(w, 1)[0].resolve(line);
    else queue.push(line);
  });
  return (prefix, ms = 15_000) => {
    const i = queue.findIndex((l) => l.startsWith(prefix));
    if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`drag source never said "${prefix}"`)), ms);
      waiters.push({ prefix, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  };
}

test("drag and drop from another application imports the files and reports each one", async () => {
  // The previous test leaves its import panel open.
  await browser.keys("Escape");
  await go("Nodes");
  const win = await browser.getWindowRect();
  const files = [
    join(corpus, "good", "msp-v3.json"),
    join(corpus, "good", "orderer-node.json"),
    join(corpus, "bad", "ca-url-grpcs.json"),
  ];
  // The source sits right of the window (the e2e screen is wider than the window).
  const at = [win.x + win.width + 40, win.y + 40];
  const source = spawn("/usr/bin/python3", [join(import.meta.dirname, "dragsource.py"), ...at.map(String), ...files], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const next = lines(source);
    const [, sx, sy] = (await next("ready")).split(" ").map(Number);
    assert.ok(sx > win.x + win.width, "the drag source must not sit on top of the window");
    xdo("mousemove", sx, sy, "mousedown", 1);
    xdo("mousemove", sx - 30, sy + 10);
    await next("begin");
    const tx = win.x + Math.round(win.width / 2);
    const ty = win.y + Math.round(win.height / 2);
    xdo("mousemove", tx, ty);
    xdo("mousemove", tx + 8, ty + 8);
    const overlay = await browser.$('[data-testid="drop-overlay"]');
    await overlay.waitForDisplayed({ timeout: 15_000, timeoutMsg: "the window never saw the drag enter" });
    xdo("mouseup", 1);
    await next("end");
  } finally {
    source.kill();
  }
  const report = await browser.$('[data-testid="import-report"]');
  await report.waitForDisplayed({ timeout: 20_000 });
  const rows = await browser.$$('[data-testid="import-file"]');
  const seen = [];
  for (const row of rows) {
    const text = await row.getProperty("textContent");
    const name = files.map((f) => basename(f)).find((n) => text.includes(n));
    seen.push([name, await row.getAttribute("data-status")]);
  }
  assert.deepEqual(seen, [
    ["msp-v3.json", "accepted"],
    ["orderer-node.json", "accepted"],
    ["ca-url-grpcs.json", "rejected"],
  ]);
  const listed = JSON.parse(cli("artifact", "list", "--json")).map((i) => i.kind);
  assert.ok(listed.includes("msp") && listed.includes("orderer"), "the dropped files reached the workspace");
});

// Issue #4: three sandbox consoles side by side; a component copied from one region's column to
// another's lands there once, and a second copy reports "already present".
test("all regions: three sandbox consoles side by side; copy a CA across without duplicates", async () => {
  const sandbox = spawn(CLI, ["--data-dir", home, "sandbox", "--register"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await lines(sandbox)("sandbox ready", 60_000);
    const names = JSON.parse(cli("console", "list", "--json")).map((c) => c.name).sort();
    assert.equal(names.length, 3, "the sandbox registered three consoles");
    const [source, target] = ["sandbox-us-south", "sandbox-eu-de"];
    assert.ok(names.includes(source) && names.includes(target), `consoles: ${names}`);
    cli("console", "import", source, join(corpus, "good", "ca-v3.json"), join(corpus, "good", "msp-v3.json"));

    await browser.keys("Escape");
    await go("Consoles");
    await (await browser.$('[data-testid="consoles-tab-regions"]')).click();
    await browser.waitUntil(async () => (await browser.$$('[data-testid="region-column"]')).length === 3, {
      timeout: 20_000,
      timeoutMsg: "the all-regions view did not show three columns",
    });
    const column = (name) => browser.$(`[data-testid="region-column"][data-console="${name}"]`);
    const caTile = await (await column(source)).$('[data-testid="region-tile"][data-kind="ca"]');
    await caTile.waitForDisplayed({ timeout: 20_000, timeoutMsg: "the source column never showed its CA" });
    assert.ok(await (await column(source)).$('[data-testid="region-tile"][data-kind="msp"]').isExisting());
    assert.equal((await (await column(target)).$$('[data-testid="region-tile"]')).length, 0);

    const caName = await caTile.getAttribute("data-name");
    const copyOnce = async () => {
      await (await caTile.$(`[aria-label="Actions for ${caName}"]`)).click();
      const item = await browser.$(`button*=Copy to ${target}`);
      await item.waitForClickable({ timeout: 10_000 });
      await item.click();
      const row = await browser.$(`[data-testid="console-import-item"][data-name="${caName}"]`);
      await row.waitForDisplayed({ timeout: 20_000 });
      const outcome = await row.getAttribute("data-outcome");
      await browser.keys("Escape");
      return outcome;
    };
    assert.equal(await copyOnce(), "imported");
    assert.equal(await copyOnce(), "alreadyPresent");
    const held = JSON.parse(cli("console", "components", target, "--json"));
    assert.equal(held.cas.length, 1, "the target console holds the CA exactly once");
    assert.equal(held.cas[0].displayName, caName);
  } finally {
    sandbox.kill("SIGTERM");
  }
});

// The first page renders from the data the window is created with (src-tauri/src/window.rs);
// a reload must not reuse that data, which is older than the page by then.
test("a restart renders from the window's data; after a change, a reload asks the backend", async () => {
  await browser.deleteSession();
  await startApp();
  assert.equal(await heading(), "Nodes");
  const tile = (name) => browser.$(`article[aria-label="${name}"]`);
  await (await tile("Org1 Peer 1")).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await bootSource(), "window", "the first page rendered from the window's data");

  cli("artifact", "import", join(corpus, "good", "peer-legacy.json"));
  await browser.refresh();
  await (await tile("Org1 Peer 1 (legacy)")).waitForDisplayed({
    timeout: 10_000,
    timeoutMsg: "the reloaded page showed the window's data from before the import",
  });
  assert.equal(await bootSource(), "ipc");
});

// The desktop entry starts the app with the files a file manager opens with it (`Exec=… %F`):
// they open as a drop does — console files are imported, with the report.
test("a console file on the app's command line is imported when the window opens", async () => {
  await browser.deleteSession();
  const before = JSON.parse(cli("artifact", "list", "--json")).length;
  await startApp([join(corpus, "good", "ca-legacy.json")]);
  const report = await browser.$('[data-testid="import-report"]');
  await report.waitForDisplayed({ timeout: 20_000, timeoutMsg: "no import report for the file" });
  const rows = await browser.$$('[data-testid="import-file"]');
  assert.equal(rows.length, 1);
  // Accepted (the legacy export format comes with a warning).
  assert.match(await rows[0].getAttribute("data-status"), /^accepted/);
  assert.match(await rows[0].getProperty("textContent"), /ca-legacy\.json/);
  const after = JSON.parse(cli("artifact", "list", "--json"));
  assert.equal(after.length, before + 1, "the file reached the workspace once");
});
