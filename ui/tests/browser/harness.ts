// Test-only harness for the browser tests: a tiny static server for a built bundle and Debian's
// Chromium driven by playwright-core (no browser download; see platform-notes.md).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";

export const UI_DIR = resolve(import.meta.dirname, "../..");
export const MOCK_DIST = join(UI_DIR, "dist-mock");
export const PROD_DIST = join(UI_DIR, "dist");
export const SCREENSHOT_DIR = resolve(UI_DIR, "../docs/screenshots");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".woff2": "font/woff2",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

/** The CSP of tauri.conf.json, sent with every response so CSP violations show up in tests. */
export const CSP =
  "default-src 'self'; img-src 'self' data: asset:; style-src 'self' 'unsafe-inline'; " +
  "font-src 'self' data:; script-src 'self'; connect-src ipc: http://ipc.localhost";

export interface StaticServer {
  url: string;
  close: () => Promise<void>;
}

/** Serves `root` on 127.0.0.1 at a random port. */
export async function serveDir(root: string): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, "index.html");
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-security-policy": CSP,
      "cache-control": "no-store",
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile in a temp folder. */
export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "fhd-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface OpenedPage {
  page: Page;
  /** Console errors, page errors and CSP violations seen since the page opened. */
  errors: string[];
}

/** Opens `url` and waits until the app has painted (ui_ready was called). */
export async function openApp(context: BrowserContext, url: string): Promise<OpenedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  await page.goto(url);
  await page.waitForFunction(() =>
    (window.__ipcCalls ?? []).some((call: { cmd: string }) => call.cmd === "ui_ready"),
  );
  return { page, errors };
}

export const updateScreenshots = process.env.UPDATE_SCREENSHOTS === "1";

/** For a test file on the mock build: serves it (built first if missing) and starts Chromium
 * before the file's tests, closes both after; `open(path)` opens a page of it, `url(path)` is
 * its address. */
export function serveMockApp(): {
  open: (path: string) => Promise<OpenedPage>;
  url: (path: string) => string;
} {
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!existsSync(join(MOCK_DIST, "index.html"))) {
      execFileSync("npx", ["vite", "build", "--mode", "mock"], { cwd: UI_DIR, stdio: "inherit" });
    }
    server = await serveDir(MOCK_DIST);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const url = (path: string): string => {
    if (!server) throw new Error("serveMockApp: used before beforeAll ran");
    return `${server.url}/${path}`;
  };
  return {
    url,
    open: (path) => {
      if (!browser) throw new Error("serveMockApp: used before beforeAll ran");
      return openApp(browser.context, url(path));
    },
  };
}

/** One recorded IPC call of the mock build. */
export type IpcCall = { cmd: string; args: unknown };

/** Every IPC call the page has made so far. */
export const ipcCalls = (page: Page): Promise<IpcCall[]> => page.evaluate(() => window.__ipcCalls);

/** The page's IPC calls of one command. */
export const ipcCallsOf = async (page: Page, cmd: string): Promise<IpcCall[]> =>
  (await ipcCalls(page)).filter((c) => c.cmd === cmd);

/** 1440 px screenshot into docs/screenshots (only with UPDATE_SCREENSHOTS=1), animations
 * stopped, focus out of the way and the pointer at `mouse` (default: out of the way); the whole
 * page unless `viewport`. */
export async function screenshot(
  page: Page,
  name: string,
  viewport = false,
  mouse: [number, number] = [1439, 899],
): Promise<void> {
  if (!updateScreenshots) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.mouse.move(...mouse);
  await page.evaluate(async () => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
    await document.fonts.ready;
  });
  await page.screenshot({
    path: join(SCREENSHOT_DIR, `${name}.png`),
    fullPage: !viewport,
    animations: "disabled",
  });
}

/** Shows the app in `language` from now on (the choice Settings keeps in the webview's storage,
 * shared by every page of this browser) and reloads `page` in it. Tests that switch call
 * `switchLanguage(page, "en")` when done, so the next test starts in English. */
export async function switchLanguage(page: Page, language: "en" | "zh-CN"): Promise<void> {
  await page.evaluate((l) => localStorage.setItem("fhd.language", l), language);
  await page.reload();
  await page.waitForFunction(() =>
    (window.__ipcCalls ?? []).some((call: { cmd: string }) => call.cmd === "ui_ready"),
  );
}

/** The elements inside each `container` whose box sticks out of its sides (by more than a
 * pixel; also its top and bottom with `vertical`), as "container › element: text"; empty when
 * everything fits. Hidden and screen-reader-only elements and tooltips are left out, and so is
 * whatever sits in a scrolling or clipping box. */
export async function overflowing(
  page: Page,
  container: string,
  options: { vertical?: boolean } = {},
): Promise<string[]> {
  return page.locator(container).evaluateAll((boxes, vertical) => {
    const out: string[] = [];
    for (const box of boxes) {
      const outer = box.getBoundingClientRect();
      if (outer.width === 0) continue;
      for (const el of box.querySelectorAll<HTMLElement>("*")) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const style = getComputedStyle(el);
        if (style.visibility === "hidden" || style.position === "fixed") continue;
        if (el.closest(".cds--visually-hidden, .cds--assistive-text, [hidden], .fhd-tip")) continue;
        let scrolled = false;
        for (let a = el.parentElement; a && a !== box; a = a.parentElement) {
          const o = getComputedStyle(a);
          if (/auto|scroll|hidden|clip/.test(o.overflowX + o.overflowY)) scrolled = true;
        }
        if (scrolled) continue;
        const sideways = r.right > outer.right + 1 || r.left < outer.left - 1;
        const upDown = vertical && (r.bottom > outer.bottom + 1 || r.top < outer.top - 1);
        if (sideways || upDown) {
          const name = `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
          out.push(
            `${box.tagName.toLowerCase()}#${box.id} › ${name}: ${el.textContent?.slice(0, 60)}`,
          );
        }
      }
    }
    return out;
  }, options.vertical ?? false);
}

/** The texts of the `selector` elements under `root` that still hold an English word (three
 * letters or more) once the `allowed` names (console names, MSP ids, product names...) are
 * taken out. Carbon's "Focus sentinel" buttons (its modals' focus traps) are left out. */
export async function englishLeftovers(
  page: Page,
  root: string,
  selector: string,
  allowed: readonly string[],
): Promise<string[]> {
  const texts = await page
    .locator(root)
    .first()
    .locator(selector)
    .evaluateAll((els) =>
      els
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        // Carbon's modal focus traps: fixed English that only hands focus on, never read out.
        .filter((el) => el.textContent !== "Focus sentinel")
        .map((el) => (el.textContent || el.getAttribute("aria-label") || "").trim()),
    );
  return texts.filter((text) => {
    let rest = text;
    for (const name of [...allowed].sort((a, b) => b.length - a.length)) {
      rest = rest.split(name).join(" ");
    }
    return /[A-Za-z]{3,}/.test(rest);
  });
}

/** Waits until a side panel has slid in completely (the right 592 px of the window): a click
 * during the slide can land its mousedown and mouseup on different pixels, and is lost. */
export async function panelOpen(panel: Locator): Promise<void> {
  await expect
    .poll(async () => {
      const box = await panel.locator(".cds--modal-container").boundingBox();
      return box && { x: Math.round(box.x), width: Math.round(box.width) };
    })
    .toEqual({ x: 848, width: 592 });
}
