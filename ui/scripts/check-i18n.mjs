#!/usr/bin/env node
// Checks that the window's texts all come from the message catalog (src/i18n/locales):
//
// 1. every namespace has the same keys in every language (plural forms aside: English needs
//    `key_one` and `key_other` where Chinese has only `key_other`), and no message is empty;
// 2. no .tsx file under src (tests, mocks and the generated bindings aside) renders a literal
//    natural-language string: JSX text, a user-visible prop (labelText, title, aria-label, ...)
//    or a string in a JSX expression (`{busy ? "Saving" : "Save"}`) instead of `t(...)`.
//
// 3. every literal key the code asks for (`t("allRegions.title")` under
//    `useTranslation("consoles")`, `i18n.t("common:cancel")`, a module's `tr("...")` helper
//    around `i18n.t(`consoles:${key}`)`, `<Trans i18nKey="...">`) is in the English catalog.
//
// Usage: node scripts/check-i18n.mjs [path...]    (default: src; a path limits part 2 to the
// files under it, so each folder can be checked on its own). Exits 1 listing every finding as
// file:line. A line (or the line above it) with the comment `i18n-ignore` is skipped: for text
// that is not language (a brand name, an example value, a unit symbol).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const UI = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// `I18N_LOCALES` points the check at other catalogs (its own test does).
const LOCALES = process.env.I18N_LOCALES ?? join(UI, "src/i18n/locales");
const REFERENCE = "en";

/** Props whose value a person reads (or a screen reader speaks). */
const VISIBLE_PROPS = new Set([
  "aria-label",
  "aria-description",
  "aria-valuetext",
  "alt",
  "buttonLabel",
  "caption",
  "closeButtonLabel",
  "closeLabel",
  "deleteButtonLabel",
  "description",
  "emptyText",
  "helperText",
  "iconDescription",
  "invalidText",
  "label",
  "labelA",
  "labelB",
  "labelText",
  "legendText",
  "loadingDescription",
  "modalAriaLabel",
  "modalHeading",
  "modalLabel",
  "placeholder",
  "primaryButtonText",
  "secondaryButtonText",
  "subtitle",
  "text",
  "title",
  "tooltipText",
  "warnText",
  "feedback",
  "info",
  "heading",
  "lead",
  "message",
  "sentence",
  "fix",
  "actionLabel",
  "ariaLabel",
  "assistiveText",
  "selectionLabel",
  "filterLabel",
  "clearSelectionText",
  "selectAllText",
  "itemsPerPageText",
  "backwardText",
  "forwardText",
  "pageText",
  "searchPlaceholder",
  "toolbarLabel",
]);

/** Props and attributes that carry no language: their strings are never reported. */
const TECHNICAL_PROPS =
  /^(className|id|key|kind|size|type|role|href|src|name|value|htmlFor|target|rel|align|direction|autoComplete|inputMode|pattern|mode|variant|data-[\w-]+|aria-(labelledby|describedby|controls|live|current|haspopup|expanded|selected|hidden|invalid|busy|sort|checked|pressed|level|owns|activedescendant))$/;

/** Callees whose string arguments are not shown as such: t("key") itself, errors for
 * developers, logging, DOM and string helpers. */
const TECHNICAL_CALLS =
  /^(t|i18n\.t|.*\.t|Error|[A-Z]\w*Error|console\..*|performance\..*|.*\.(querySelector|querySelectorAll|getElementById|closest|matches|startsWith|endsWith|includes|indexOf|split|replace|replaceAll|join|padStart|padEnd|getItem|setItem|removeItem|get|set|has|delete|mark|measure|test|exec|match|localeCompare|addEventListener|removeEventListener|emit|listen)|import|require|invoke|lazy|Symbol|RegExp|useTranslation|expect|describe|it|test)$/;

const PLURAL = /_(zero|one|two|few|many|other)$/;

function fail(findings, file, line, message) {
  findings.push(`${relative(UI, file)}:${line}: ${message}`);
}

// ---------- 1. catalogs ----------

function flatten(value, prefix, out) {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      flatten(child, prefix ? `${prefix}.${key}` : key, out);
    }
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** Key → line of the key in the file (for the report). */
function keyLines(text) {
  const lines = new Map();
  text.split("\n").forEach((line, i) => {
    const m = /^\s*"((?:[^"\\]|\\.)+)"\s*:/.exec(line);
    if (m && !lines.has(m[1])) lines.set(m[1], i + 1);
  });
  return lines;
}

function lineOf(lines, key) {
  const last = key.split(".").at(-1);
  return lines.get(last) ?? 1;
}

/** Namespace → the English catalog's keys, for part 3. */
const englishKeys = new Map();

function checkCatalogs(findings) {
  const languages = readdirSync(LOCALES).filter((d) => statSync(join(LOCALES, d)).isDirectory());
  const catalogs = new Map(); // language → ns → { file, keys: Map, lines }
  for (const language of languages) {
    const dir = join(LOCALES, language);
    const namespaces = new Map();
    for (const name of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const file = join(dir, name);
      const text = readFileSync(file, "utf8");
      let json;
      try {
        json = JSON.parse(text);
      } catch (error) {
        fail(findings, file, 1, `not valid JSON: ${error.message}`);
        continue;
      }
      namespaces.set(name.replace(/\.json$/, ""), {
        file,
        keys: flatten(json, "", new Map()),
        lines: keyLines(text),
      });
    }
    catalogs.set(language, namespaces);
  }
  for (const [ns, { keys }] of catalogs.get(REFERENCE) ?? []) englishKeys.set(ns, keys);
  const allNamespaces = new Set([...catalogs.values()].flatMap((ns) => [...ns.keys()]));
  for (const ns of [...allNamespaces].sort()) {
    const present = languages.filter((l) => catalogs.get(l).has(ns));
    for (const language of languages) {
      if (!catalogs.get(language).has(ns)) {
        fail(
          findings,
          join(LOCALES, language, `${ns}.json`),
          1,
          `namespace "${ns}" is missing (present in ${present.join(", ")})`,
        );
      }
    }
    // Base keys (plural suffixes stripped) per language.
    const bases = new Map();
    for (const language of present) {
      const { keys, file, lines } = catalogs.get(language).get(ns);
      const set = new Set();
      for (const [key, value] of keys) {
        set.add(key.replace(PLURAL, ""));
        if (typeof value !== "string") {
          fail(findings, file, lineOf(lines, key), `"${key}" is not a string`);
        } else if (value.trim() === "") {
          fail(findings, file, lineOf(lines, key), `"${key}" is empty`);
        }
      }
      bases.set(language, set);
    }
    for (const language of present) {
      const { file } = catalogs.get(language).get(ns);
      for (const other of present) {
        if (other === language) continue;
        const { lines } = catalogs.get(other).get(ns);
        const missing = [...bases.get(other)].filter((k) => !bases.get(language).has(k));
        for (const key of missing.sort()) {
          fail(
            findings,
            file,
            1,
            `missing key "${ns}:${key}" (present in ${other}/${ns}.json line ${lineOf(lines, key)})`,
          );
        }
      }
      // Plural forms the language needs (Intl.PluralRules) for every key that has plural forms.
      const { keys, lines } = catalogs.get(language).get(ns);
      const needed = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      const pluralBases = new Set(
        [...keys.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, "")),
      );
      for (const base of pluralBases) {
        for (const category of needed) {
          if (!keys.has(`${base}_${category}`)) {
            fail(
              findings,
              file,
              lineOf(lines, `${base}_other`),
              `"${ns}:${base}" lacks the plural form "${base}_${category}"`,
            );
          }
        }
      }
    }
    // Placeholders must match ({{name}} in one language and not the other breaks the text).
    if (present.includes(REFERENCE)) {
      const ref = catalogs.get(REFERENCE).get(ns);
      for (const language of present) {
        if (language === REFERENCE) continue;
        const cat = catalogs.get(language).get(ns);
        for (const [key, value] of cat.keys) {
          const base = key.replace(PLURAL, "");
          const refValue = ref.keys.get(key) ?? ref.keys.get(`${base}_other`) ?? ref.keys.get(base);
          if (typeof value !== "string" || typeof refValue !== "string") continue;
          const names = (s) =>
            [...s.matchAll(/\{\{\s*([\w.]+)/g)]
              .map((m) => m[1])
              .filter((n) => n !== "count")
              .sort()
              .join(",");
          if (names(value) !== names(refValue)) {
            fail(
              findings,
              cat.file,
              lineOf(cat.lines, key),
              `"${ns}:${key}" has placeholders {${names(value)}}, ${REFERENCE} has {${names(refValue)}}`,
            );
          }
        }
      }
    }
  }
}

// ---------- 2. literal strings in the UI ----------

function sourceFiles(path, out, ext = /\.tsx$/) {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    const base = relative(join(UI, "src"), path);
    if (base === "bindings" || base === "mocks" || base === "test" || base === "i18n") return out;
    for (const name of readdirSync(path)) sourceFiles(join(path, name), out, ext);
  } else if (ext.test(path) && !/\.test\.tsx?$/.test(path)) {
    out.push(path);
  }
  return out;
}

// ---------- 3. keys the code asks for ----------

const isScope = (node) =>
  ts.isSourceFile(node) ||
  ts.isFunctionDeclaration(node) ||
  ts.isFunctionExpression(node) ||
  ts.isArrowFunction(node) ||
  ts.isMethodDeclaration(node);

function scopeOf(node) {
  let scope = node.parent;
  while (scope && !isScope(scope)) scope = scope.parent;
  return scope;
}

/** The namespace of `useTranslation("ns")` / `useTranslation(["ns", ...])` / `useTranslation()`. */
function namespaceOfHook(call) {
  const arg = call.arguments[0];
  if (!arg) return "common";
  if (ts.isStringLiteral(arg)) return arg.text;
  if (ts.isArrayLiteralExpression(arg) && arg.elements[0] && ts.isStringLiteral(arg.elements[0])) {
    return arg.elements[0].text;
  }
  return null;
}

/** The namespace a helper passes its key on to: `i18n.t(`ns:${key}`, ...)` in its body. */
function namespaceOfHelper(fn) {
  let found = null;
  const visit = (node) => {
    if (found) return;
    if (
      ts.isCallExpression(node) &&
      /(^|\.)t$/.test(node.expression.getText()) &&
      node.arguments[0] &&
      ts.isTemplateExpression(node.arguments[0])
    ) {
      const head = /^([\w-]+):$/.exec(node.arguments[0].head.text);
      if (head) found = head[1];
    }
    ts.forEachChild(node, visit);
  };
  visit(fn);
  return found;
}

function checkKeys(file, findings) {
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  const kind = file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  // scope node → (function name → namespace)
  const bindings = new Map();
  const bind = (scope, name, ns) => {
    if (!bindings.has(scope)) bindings.set(scope, new Map());
    bindings.get(scope).set(name, ns);
  };
  const collect = (node) => {
    if (ts.isVariableDeclaration(node) && node.initializer) {
      const init = node.initializer;
      if (
        ts.isCallExpression(init) &&
        init.expression.getText() === "useTranslation" &&
        ts.isObjectBindingPattern(node.name)
      ) {
        for (const element of node.name.elements) {
          const from = (element.propertyName ?? element.name).getText();
          if (from === "t") bind(scopeOf(node), element.name.getText(), namespaceOfHook(init));
        }
      } else if (
        ts.isIdentifier(node.name) &&
        (ts.isArrowFunction(init) || ts.isFunctionExpression(init))
      ) {
        const ns = namespaceOfHelper(init);
        if (ns) bind(scopeOf(node), node.name.text, ns);
      }
    } else if (ts.isFunctionDeclaration(node) && node.name) {
      const ns = namespaceOfHelper(node);
      if (ns) bind(scopeOf(node), node.name.text, ns);
    }
    ts.forEachChild(node, collect);
  };
  collect(source);

  const resolveName = (node, name) => {
    for (let scope = scopeOf(node); scope; scope = scopeOf(scope)) {
      const ns = bindings.get(scope)?.get(name);
      if (ns !== undefined) return ns;
      if (ts.isSourceFile(scope)) break;
    }
    return undefined;
  };

  const verify = (node, key, ns) => {
    let namespace = ns;
    let k = key;
    const prefixed = /^([\w-]+):(.+)$/.exec(key);
    if (prefixed) [, namespace, k] = prefixed;
    if (!namespace) return;
    const keys = englishKeys.get(namespace);
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    if (ignored(lines, line)) return;
    if (!keys) {
      fail(findings, file, line, `no namespace "${namespace}" for the key "${key}"`);
      return;
    }
    const ok = keys.has(k) || keys.has(`${k}_other`) || keys.has(`${k}_one`);
    if (!ok) fail(findings, file, line, `"${namespace}:${k}" is not in en/${namespace}.json`);
  };

  const visit = (node) => {
    if (ts.isCallExpression(node) && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      const key = node.arguments[0].text;
      if (ts.isIdentifier(callee)) {
        const ns = resolveName(node, callee.text);
        if (ns !== undefined) verify(node, key, ns);
      } else if (
        ts.isPropertyAccessExpression(callee) &&
        callee.name.text === "t" &&
        /^(i18n|i18next)$/.test(callee.expression.getText())
      ) {
        verify(node, key, "common");
      }
    } else if (ts.isJsxSelfClosingElement(node) || ts.isJsxOpeningElement(node)) {
      if (node.tagName.getText() === "Trans") {
        let key = null;
        let ns = "common";
        for (const attr of node.attributes.properties) {
          if (!ts.isJsxAttribute(attr) || !attr.initializer) continue;
          const name = attributeName(attr);
          if (name === "i18nKey" && ts.isStringLiteral(attr.initializer))
            key = attr.initializer.text;
          if (
            name === "t" &&
            ts.isJsxExpression(attr.initializer) &&
            attr.initializer.expression &&
            ts.isIdentifier(attr.initializer.expression)
          ) {
            ns = resolveName(node, attr.initializer.expression.text) ?? null;
          }
          if (name === "ns" && ts.isStringLiteral(attr.initializer)) ns = attr.initializer.text;
        }
        if (key) verify(node, key, ns);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** Text a person would read: letters of any script, not just symbols, digits or spaces. */
function isLanguage(text) {
  return /\p{L}/u.test(text);
}

function ignored(lines, line) {
  return /i18n-ignore/.test(lines[line - 1] ?? "") || /i18n-ignore/.test(lines[line - 2] ?? "");
}

/** String literals an expression evaluates to directly (through ?:, &&, ||, ??, parentheses,
 * template literals and arrays), not through calls such as t("key"). */
function literalsOf(node, out) {
  if (!node) return out;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    out.push({ node, text: node.text });
  } else if (ts.isTemplateExpression(node)) {
    const text = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(" ");
    out.push({ node, text });
    for (const span of node.templateSpans) literalsOf(span.expression, out);
  } else if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) {
    literalsOf(node.expression, out);
  } else if (ts.isConditionalExpression(node)) {
    literalsOf(node.whenTrue, out);
    literalsOf(node.whenFalse, out);
  } else if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) literalsOf(node.right, out);
    else if (
      op === ts.SyntaxKind.BarBarToken ||
      op === ts.SyntaxKind.QuestionQuestionToken ||
      op === ts.SyntaxKind.PlusToken
    ) {
      literalsOf(node.left, out);
      literalsOf(node.right, out);
    }
  } else if (ts.isArrayLiteralExpression(node)) {
    for (const element of node.elements) literalsOf(element, out);
  }
  return out;
}

function propertyName(name) {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : name.getText();
}

/** A string's text, a template's with each placeholder as "x". */
function templateText(node) {
  if (!ts.isTemplateExpression(node)) return node.text;
  return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join("x");
}

/** Looks like words for a person: Chinese, a capital letter followed by more words, or two
 * words of letters in a row (around a template's placeholders). */
function isSentence(text) {
  const t = text.trim();
  if (/(^|[\s“"(])\p{Ll}{2,}\s+\p{Ll}{2,}[\s.,:;…?!”")]/u.test(` ${t} `) && /\s/.test(t))
    return true;
  return /\p{Script=Han}/u.test(t) || (/^\p{Lu}\p{Ll}*/u.test(t) && /\p{L}\p{L}+\s+\p{L}/u.test(t));
}

/** A string in a place where it is not shown: imports, types, technical props, comparisons,
 * case labels, keys, the arguments of t(...) and other technical calls. */
function technicalPlace(node) {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (
      ts.isImportDeclaration(parent) ||
      ts.isExportDeclaration(parent) ||
      ts.isTypeNode(parent) ||
      ts.isCaseClause(parent) ||
      ts.isElementAccessExpression(parent) ||
      ts.isLiteralTypeNode(parent)
    ) {
      return true;
    }
    if (ts.isPropertyAssignment(parent) && parent.name === child) return true;
    if (ts.isJsxAttribute(parent)) return TECHNICAL_PROPS.test(attributeName(parent));
    if (ts.isBinaryExpression(parent)) {
      const op = parent.operatorToken.kind;
      if (
        op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
        op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
        op === ts.SyntaxKind.EqualsEqualsToken ||
        op === ts.SyntaxKind.ExclamationEqualsToken
      ) {
        return true;
      }
    }
    if (
      (ts.isCallExpression(parent) || ts.isNewExpression(parent)) &&
      child !== parent.expression
    ) {
      const callee = parent.expression.getText().replace(/\s+/g, "");
      return TECHNICAL_CALLS.test(callee);
    }
    if (ts.isTaggedTemplateExpression(parent)) return true;
    if (ts.isBlock(parent) || ts.isSourceFile(parent)) return false;
  }
  return false;
}

function attributeName(attr) {
  return ts.isIdentifier(attr.name) ? attr.name.text : attr.name.getText();
}

function checkSource(file, findings) {
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const report = (node, message) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    if (!ignored(lines, line)) fail(findings, file, line, message);
  };
  const show = (s) => JSON.stringify(s.trim().replace(/\s+/g, " ").slice(0, 60));

  const reported = new Set();
  const visit = (node) => {
    if (ts.isJsxText(node)) {
      if (isLanguage(node.text)) report(node, `JSX text ${show(node.text)}`);
    } else if (ts.isJsxAttribute(node)) {
      const name = attributeName(node);
      const init = node.initializer;
      if (VISIBLE_PROPS.has(name) && init) {
        const found = ts.isStringLiteral(init)
          ? [{ node: init, text: init.text }]
          : ts.isJsxExpression(init)
            ? literalsOf(init.expression, [])
            : [];
        for (const literal of found) {
          if (isLanguage(literal.text)) report(literal.node, `prop ${name}=${show(literal.text)}`);
          reported.add(literal.node);
        }
      }
    } else if (
      (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) &&
      ts.isPropertyAssignment(node) &&
      VISIBLE_PROPS.has(propertyName(node.name))
    ) {
      for (const literal of literalsOf(node.initializer, [])) {
        if (isLanguage(literal.text)) {
          report(literal.node, `property ${propertyName(node.name)}: ${show(literal.text)}`);
          reported.add(literal.node);
        }
      }
    } else if (
      (ts.isStringLiteral(node) ||
        ts.isNoSubstitutionTemplateLiteral(node) ||
        ts.isTemplateExpression(node)) &&
      !reported.has(node) &&
      isSentence(templateText(node)) &&
      !technicalPlace(node)
    ) {
      report(node, `string ${show(templateText(node))}`);
    } else if (ts.isJsxExpression(node) && node.expression) {
      const parent = node.parent;
      if (ts.isJsxElement(parent) || ts.isJsxFragment(parent)) {
        for (const literal of literalsOf(node.expression, [])) {
          if (isLanguage(literal.text)) report(literal.node, `JSX string ${show(literal.text)}`);
          reported.add(literal.node);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

// ---------- main ----------

const findings = [];
checkCatalogs(findings);
const roots = process.argv.slice(2);
const files = (roots.length ? roots : ["src"]).flatMap((root) =>
  sourceFiles(resolve(process.cwd(), root), []),
);
for (const file of files.sort()) checkSource(file, findings);
const codeFiles = (roots.length ? roots : ["src"]).flatMap((root) =>
  sourceFiles(resolve(process.cwd(), root), [], /\.tsx?$/),
);
for (const file of codeFiles.sort()) checkKeys(file, findings);

if (findings.length) {
  for (const finding of findings) console.error(finding);
  console.error(
    `\ncheck-i18n: ${findings.length} problem(s). Put the text in src/i18n/locales/{en,zh-CN}/<namespace>.json and render it with t(...).`,
  );
  process.exit(1);
}
console.log(
  `check-i18n: catalogs consistent, ${files.length} file(s) without literal text, the keys of ${codeFiles.length} file(s) in the catalog`,
);
