import { afterEach, describe, expect, it, vi } from "vitest";
import {
  adoptWorkspaceLanguage,
  detectLanguage,
  formatNumber,
  i18n,
  LANGUAGE_STORAGE_KEY,
  setLanguage,
  toLanguage,
} from "./index";

describe("i18n", () => {
  afterEach(async () => {
    localStorage.removeItem(LANGUAGE_STORAGE_KEY);
    await i18n.changeLanguage("en");
  });

  it("maps any Chinese tag to zh-CN and English tags to en", () => {
    expect(toLanguage("zh")).toBe("zh-CN");
    expect(toLanguage("zh-CN")).toBe("zh-CN");
    expect(toLanguage("zh-Hans-CN")).toBe("zh-CN");
    expect(toLanguage("en-GB")).toBe("en");
    expect(toLanguage("fr-FR")).toBeNull();
  });

  it("prefers the saved choice over the webview's language", () => {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, "zh-CN");
    expect(detectLanguage()).toBe("zh-CN");
  });

  it("switches at once and remembers the choice", async () => {
    await setLanguage("zh-CN");
    expect(i18n.t("common:cancel")).toBe("取消");
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("zh-CN");
    expect(document.documentElement.lang).toBe("zh-CN");
    await setLanguage("en");
    expect(i18n.t("common:cancel")).toBe("Cancel");
  });

  it("takes the workspace's language only when this webview has no choice of its own", async () => {
    adoptWorkspaceLanguage("en");
    expect(i18n.language).toBe("en");
    adoptWorkspaceLanguage("zh-CN");
    await vi.waitFor(() => expect(i18n.language).toBe("zh-CN"));
    await setLanguage("en");
    adoptWorkspaceLanguage("zh-CN");
    await Promise.resolve();
    expect(i18n.language).toBe("en");
  });

  it("formats numbers through Intl in the current language", async () => {
    expect(formatNumber(12345)).toBe("12,345");
    await setLanguage("zh-CN");
    expect(formatNumber(12345)).toBe("12,345");
  });
});
