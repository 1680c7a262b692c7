// "12 months", "3 days": how long until a certificate expires, in the console's wording, in the
// current language (Intl's unit format: "12 months", "12个月").
import { currentLanguage, i18n } from "../i18n";

type Unit = "year" | "month" | "day" | "hour" | "minute";

const UNITS: [name: Unit, ms: number][] = [
  ["year", 365 * 24 * 3600 * 1000],
  ["month", 30 * 24 * 3600 * 1000],
  ["day", 24 * 3600 * 1000],
  ["hour", 3600 * 1000],
  ["minute", 60 * 1000],
];

/** The time from `now` to `until` in the largest whole unit, or "expired" once it passed. */
export function timeUntil(until: Date, now: Date = new Date()): string {
  const ms = until.getTime() - now.getTime();
  if (Number.isNaN(ms)) return "-";
  if (ms <= 0) return i18n.t("data:time.expired");
  // Up to 18 months reads better in months, as the console shows "12 months" for a year.
  const monthMs = UNITS[1]?.[1] ?? 1;
  if (ms < 18 * monthMs) {
    for (const [name, unitMs] of UNITS.slice(1)) {
      const n = Math.round(ms / unitMs);
      if (n >= 1) return amount(n, name);
    }
    return i18n.t("data:time.lessThanMinute");
  }
  const years = Math.round(ms / (UNITS[0]?.[1] ?? 1));
  return amount(years, "year");
}

function amount(n: number, unit: Unit): string {
  return new Intl.NumberFormat(currentLanguage(), {
    style: "unit",
    unit,
    unitDisplay: "long",
  }).format(n);
}
