// A finding of an import (a file's error or warning) in the window's language: the catalog's
// sentence for its code (`library:finding.<code>`) with its params, numbers and dates in the
// language's format; the core's English message when the catalog lacks the code.
import type { Finding } from "../bindings/Finding";
import { formatDate, formatList, formatNumber, i18n, joinList } from "../i18n";

const msg = (key: string, options?: Record<string, unknown>): string =>
  i18n.t(key, { ns: "library", ...options });

/** Params that are counts, sizes or positions. */
const NUMBERS = new Set([
  "column",
  "compressed",
  "count",
  "days",
  "limit",
  "line",
  "max",
  "mib",
  "min",
  "offset",
  "ratio",
  "size",
  "zipSize",
]);

/** Params that are words of the sentence rather than values (`finding.<param>.<value>`). */
const WORDS = ["role", "kind", "found"] as const;

/** The params of `finding` as the sentence shows them. */
function shownParams(finding: Finding): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(finding.params)) {
    if (value === undefined) continue;
    const n = Number(value);
    shown[name] = NUMBERS.has(name) && value !== "" && Number.isFinite(n) ? formatNumber(n) : value;
  }
  for (const name of WORDS) {
    const value = finding.params[name];
    const key = `finding.${name}.${value}`;
    if (value !== undefined && i18n.exists(key, { ns: "library" })) shown[name] = msg(key);
  }
  const date = finding.params.date;
  if (date !== undefined && !Number.isNaN(Date.parse(date))) {
    shown.date = formatDate(date, { dateStyle: "medium", timeStyle: "short" });
  }
  const expected = finding.params.expected;
  if (finding.code === "typeMismatch" && expected !== undefined) {
    shown.expected = formatList(expected.split(", "), "disjunction");
  }
  const reason = reasonText(finding.params, shown);
  if (reason !== null) shown.reason = reason;
  return shown;
}

/** Why a value is unreadable (`finding.reason.<reasonCode>`), or null when the catalog lacks
 * the reason: the sentence then keeps the core's English words. */
function reasonText(params: Finding["params"], shown: Record<string, string>): string | null {
  const key = `finding.reason.${params.reasonCode}`;
  if (params.reasonCode === undefined || !i18n.exists(key, { ns: "library" })) return null;
  const labels = params.labels;
  const expected = params.expectedLabels;
  return msg(key, {
    ...shown,
    labels: labels ? joinList(labels.split(", ")) : "",
    expectedLabels: expected
      ? formatList(
          expected.split(", ").map((value) => msg("finding.quoted", { value })),
          "disjunction",
        )
      : "",
  });
}

/** What `finding` says, in the window's language. */
export function findingText(finding: Finding): string {
  const key = `finding.${finding.code}`;
  return i18n.exists(key, { ns: "library" }) ? msg(key, shownParams(finding)) : finding.message;
}
