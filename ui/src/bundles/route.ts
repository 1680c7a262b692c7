// The Bundles page's place in the hash: `#/bundles` (build), `#/bundles/receive` and
// `#/bundles/receive/<file path>`. Small on purpose: the window-wide drop target (startup
// bundle) uses it to open a dropped bundle from any page.

export type BundlesView = { view: "build" } | { view: "receive"; file: string | null };

export function parseBundlesHash(hash: string): BundlesView {
  const parts = hash.replace(/^#\/?/, "").split("/");
  if (parts[0] !== "bundles" || parts[1] !== "receive") return { view: "build" };
  const raw = parts.slice(2).join("/");
  if (raw === "") return { view: "receive", file: null };
  try {
    return { view: "receive", file: decodeURIComponent(raw) };
  } catch {
    return { view: "receive", file: null };
  }
}

export function bundlesHref(view: BundlesView): string {
  if (view.view === "build") return "#/bundles";
  return view.file === null
    ? "#/bundles/receive"
    : `#/bundles/receive/${encodeURIComponent(view.file)}`;
}

/** Opens a bundle file in the receive view, from any page. */
export function openBundle(file: string): void {
  window.location.hash = bundlesHref({ view: "receive", file }).slice(1);
}
