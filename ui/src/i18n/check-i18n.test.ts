// scripts/check-i18n.mjs, the check `npm run lint` runs, on made-up catalogs and components.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const SCRIPT = resolve(import.meta.dirname, "../../scripts/check-i18n.mjs");
const root = mkdtempSync(join(tmpdir(), "check-i18n-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): string {
  const file = join(root, path);
  mkdirSync(resolve(file, ".."), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** Runs the check on `paths` with the catalogs under `locales`: exit code and output. */
function check(locales: string, ...paths: string[]): { code: number; output: string } {
  try {
    const out = execFileSync("node", [SCRIPT, ...paths], {
      env: { ...process.env, I18N_LOCALES: join(root, locales) },
      encoding: "utf8",
      stdio: "pipe",
    });
    return { code: 0, output: out };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, output: e.stdout + e.stderr };
  }
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

describe("check-i18n", () => {
  it("passes consistent catalogs and a component that renders only t(...)", () => {
    write(
      "good/en/shop.json",
      json({ title: "Shop", items_one: "{{n}} item", items_other: "{{n}} items" }),
    );
    write("good/zh-CN/shop.json", json({ title: "商店", items_other: "{{n}} 件商品" }));
    const file = write(
      "ok/Shop.tsx",
      'import { useTranslation } from "react-i18next";\n' +
        "export function Shop() {\n" +
        '  const { t } = useTranslation("shop");\n' +
        '  return <h1 title={t("title")}>{t("items", { count: 2, n: "2" })}</h1>;\n' +
        "}\n",
    );
    expect(check("good", file)).toMatchObject({ code: 0 });
  });

  it("names a key missing from one language, with its file", () => {
    write("missing/en/shop.json", json({ title: "Shop", empty: "Nothing here" }));
    write("missing/zh-CN/shop.json", json({ title: "商店" }));
    const { code, output } = check("missing", join(root, "ok"));
    expect(code).toBe(1);
    expect(output).toMatch(/zh-CN\/shop\.json:1: missing key "shop:empty"/);
  });

  it("names text rendered outside the catalog, and a key the catalog lacks, as file:line", () => {
    const file = write(
      "bad/Page.tsx",
      'import { useTranslation } from "react-i18next";\n' +
        "export function Page(props: { busy: boolean }) {\n" +
        '  const { t } = useTranslation("shop");\n' +
        "  return (\n" +
        '    <section aria-label="Shopping cart">\n' +
        "      <p>Nothing in the cart yet</p>\n" +
        '      <button type="button">{props.busy ? "Saving…" : t("title")}</button>\n' +
        '      <input placeholder="https://example.com" // i18n-ignore: an example\n' +
        "      />\n" +
        '      <span>{t("nope")}</span>\n' +
        "    </section>\n" +
        "  );\n" +
        "}\n",
    );
    const { code, output } = check("good", file);
    expect(code).toBe(1);
    expect(output).toContain('Page.tsx:5: prop aria-label="Shopping cart"');
    expect(output).toContain('Page.tsx:6: JSX text "Nothing in the cart yet"');
    expect(output).toContain('Page.tsx:7: JSX string "Saving…"');
    expect(output).toContain('Page.tsx:10: "shop:nope" is not in en/shop.json');
    expect(output).not.toContain("Page.tsx:8");
  });
});
