// The window's message catalog: i18next with every catalog under ./locales bundled in.
//
// Layout: ./locales/<language>/<namespace>.json, one namespace per UI folder (`consoles`,
// `plans`, ...), plus `common` for words many views share (`t("common:cancel")`). Keys are
// nested by component: `useTranslation("consoles")` then `t("allRegions.title")`.
//
// Plurals follow i18next's suffixes, chosen by Intl.PluralRules: English needs `key_one` and
// `key_other`, Chinese only `key_other`. Numbers and dates go through Intl too, either in a
// message (`{{count, number}}`, `{{when, datetime}}`) or with `formatNumber`/`formatDate` below.
//
// The language is the one chosen in Settings (kept in localStorage and in the workspace's
// settings), else the webview's (navigator.language: any zh* is zh-CN), else English.
import i18next, { type Resource } from "i18next";
import { initReactI18next } from "react-i18next";
import type { Language as BindingLanguage } from "../bindings/Language";

export type Language = BindingLanguage;

export const LANGUAGES: readonly Language[] = ["en", "zh-CN"];

/** Where the choice made in Settings is kept, so the first frame is already in that language. */
export const LANGUAGE_STORAGE_KEY = "fhd.language";

const modules = import.meta.glob<{ default: Record<string, unknown> }>("./locales/*/*.json", {
  eager: true,
});

function buildResources(): Resource {
  const resources: Resource = {};
  for (const [path, module] of Object.entries(modules)) {
    const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
    if (!match) continue;
    const [, language, namespace] = match as unknown as [string, string, string];
    resources[language] ??= {};
    (resources[language] as Record<string, unknown>)[namespace] = module.default;
  }
  return resources;
}

/** `zh`, `zh-CN`, `zh-Hans-CN`, `zh-SG`... are zh-CN; anything else is English. */
export function toLanguage(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  if (tag === "en" || tag.toLowerCase().startsWith("en-")) return "en";
  if (tag.toLowerCase() === "zh" || tag.toLowerCase().startsWith("zh-")) return "zh-CN";
  return null;
}

function savedLanguage(): Language | null {
  try {
    const saved = globalThis.localStorage?.getItem(LANGUAGE_STORAGE_KEY);
    return saved === "en" || saved === "zh-CN" ? saved : null;
  } catch {
    return null;
  }
}

/** The saved choice, else the webview's language, else English. */
export function detectLanguage(): Language {
  const saved = savedLanguage();
  if (saved) return saved;
  const tags = globalThis.navigator?.languages?.length
    ? globalThis.navigator.languages
    : [globalThis.navigator?.language];
  for (const tag of tags) {
    const language = toLanguage(tag);
    if (language) return language;
  }
  return "en";
}

let cjkFont: Promise<unknown> | null = null;

/** The CJK face and the zh-CN font stack load only once Chinese is shown. */
function applyDocumentLanguage(language: Language): void {
  if (typeof document !== "undefined") document.documentElement.lang = language;
  if (language === "zh-CN" && cjkFont === null) {
    cjkFont = import("../styles/zh-CN.scss").catch(() => {
      cjkFont = null;
    });
  }
}

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: buildResources(),
  lng: detectLanguage(),
  fallbackLng: "en",
  supportedLngs: [...LANGUAGES],
  // "zh-CN" must stay "zh-CN", not fall back through "zh".
  load: "currentOnly",
  defaultNS: "common",
  interpolation: { escapeValue: false },
  // Catalogs are bundled: init finishes synchronously, before the first render.
  initAsync: false,
  react: { useSuspense: false },
});

applyDocumentLanguage(i18n.language as Language);
i18n.on("languageChanged", (language) => applyDocumentLanguage(language as Language));

/** The language in use now. */
export function currentLanguage(): Language {
  return i18n.language === "zh-CN" ? "zh-CN" : "en";
}

/** Switches the window to `language` at once and remembers the choice for the next start. */
export async function setLanguage(
  language: Language,
  opts: { save?: boolean } = {},
): Promise<void> {
  if (opts.save ?? true) {
    try {
      globalThis.localStorage?.setItem(LANGUAGE_STORAGE_KEY, language);
    } catch {
      // Private mode or no storage: the choice still holds for this session.
    }
  }
  if (i18n.language !== language) await i18n.changeLanguage(language);
}

/** Takes the workspace's stored language when this webview has no choice of its own yet and the
 * workspace names one other than the default (the stored default, English, says nothing about
 * a choice: the webview's language then stands). */
export function adoptWorkspaceLanguage(language: Language): void {
  if (savedLanguage() !== null || language === "en") return;
  void setLanguage(language);
}

/** A number in the current language's format (grouping, decimals). */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(currentLanguage(), options).format(value);
}

/** A date and/or time in the current language's format. */
export function formatDate(
  value: Date | string | number,
  options: Intl.DateTimeFormatOptions = { dateStyle: "medium" },
): string {
  const date = value instanceof Date ? value : new Date(value);
  return new Intl.DateTimeFormat(currentLanguage(), options).format(date);
}

/** Items one after the other ("a, b, c" / "a、b、c"), for names rather than prose. */
export function joinList(items: readonly string[]): string {
  return items.join(i18n.t("common:listSeparator"));
}

/** A list ("a, b and c" / "a、b和c") in the current language. */
export function formatList(
  items: readonly string[],
  type: Intl.ListFormatType = "conjunction",
): string {
  return new Intl.ListFormat(currentLanguage(), { style: "long", type }).format(items);
}

export default i18n;
