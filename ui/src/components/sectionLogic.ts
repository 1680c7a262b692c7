// The pure part of a section: filtering by the search text and cutting one page out.
import { formatNumber, i18n } from "../i18n";

/** Items whose text contains every word of the query (case-insensitive). */
export function filterItems<T>(items: readonly T[], query: string, text: (item: T) => string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...items];
  return items.filter((item) => {
    const haystack = text(item).toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** The number of pages for `total` items (at least 1, so the pager always has a page). */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, pageSize)));
}

/** The items of 1-based page `page`, with the page clamped to the range that exists. */
export function pageOf<T>(items: readonly T[], page: number, pageSize: number): T[] {
  const last = pageCount(items.length, pageSize);
  const current = Math.min(Math.max(1, page), last);
  const start = (current - 1) * pageSize;
  return items.slice(start, start + pageSize);
}

/** Page sizes offered by the pager (the backend accepts the same set for the preference). */
export const PAGE_SIZES = [6, 10, 15, 25, 50, 100] as const;

/** The console's pager wording: "1 - 15 of 42 Items" (plural by Intl.PluralRules). */
export function itemRangeText(min: number, max: number, total: number): string {
  return i18n.t("components:section.itemRange", {
    count: total,
    min: formatNumber(min),
    max: formatNumber(max),
    total: formatNumber(total),
  });
}
