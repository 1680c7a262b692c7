import "@testing-library/jest-dom/vitest";
import { clearMocks } from "@tauri-apps/api/mocks";
import { cleanup, configure } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";
import { i18n, LANGUAGE_STORAGE_KEY } from "../i18n";

// jsdom lacks a few browser APIs that Carbon's popovers and menus touch.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;
window.matchMedia ??= ((query: string) => ({
  matches: false,
  media: query,
  onchange: null,
  addListener: () => {},
  removeListener: () => {},
  addEventListener: () => {},
  removeEventListener: () => {},
  dispatchEvent: () => false,
})) as typeof window.matchMedia;

// Lazy views are transformed on first import; on a busy 2-core CI machine that can take more than
// the default second.
configure({ asyncUtilTimeout: 5000 });

// Unit tests assert the English texts; a test that switches language gets English back after it.
void i18n.changeLanguage("en");

// A key the code asks for and no catalog has fails the test that rendered it.
const missingKeys = new Set<string>();
i18n.options.saveMissing = true;
i18n.on("missingKey", (_languages, namespace, key) => {
  missingKeys.add(`${namespace}:${key}`);
});
beforeEach(async () => {
  if (i18n.language !== "en") await i18n.changeLanguage("en");
});

afterEach(() => {
  const missing = [...missingKeys];
  missingKeys.clear();
  if (missing.length > 0) {
    throw new Error(`missing from the message catalog: ${missing.join(", ")}`);
  }
  cleanup();
  localStorage.removeItem(LANGUAGE_STORAGE_KEY);
  clearMocks();
  window.location.hash = "";
});
