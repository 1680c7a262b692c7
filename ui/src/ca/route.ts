// The CA detail page's place in the hash: `#/nodes/ca/<library id>`. Small on purpose: the Nodes
// page (startup bundle) reads it to decide whether to load the CA page.
import { useSyncExternalStore } from "react";

const PREFIX = "#/nodes/ca/";

/** The library id in `#/nodes/ca/<id>`, or null for any other hash. */
export function caIdFromHash(hash: string): string | null {
  if (!hash.startsWith(PREFIX)) return null;
  const raw = hash.slice(PREFIX.length).split(/[/?]/)[0] ?? "";
  if (raw === "") return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** The link to a library CA's detail page. */
export function caHref(id: string): string {
  return `${PREFIX}${encodeURIComponent(id)}`;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

/** The CA whose page is open, or null; re-renders on every `hashchange`. */
export function useCaRoute(): string | null {
  return useSyncExternalStore(subscribe, () => caIdFromHash(window.location.hash));
}
