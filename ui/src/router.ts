// A hash router small enough to read in one go: the app has no server, so `#/nodes` etc. are
// the whole URL space. Links are plain `<a href="#/…">`; `navigate` is for code paths.
import { useSyncExternalStore } from "react";

export const ROUTES = [
  "consoles",
  "nodes",
  "organizations",
  "wallet",
  "ha-plans",
  "ha-check",
  "bundles",
  "settings",
] as const;

export type Route = (typeof ROUTES)[number];

export const DEFAULT_ROUTE: Route = "nodes";

/** The route named by a location hash such as `#/wallet`; unknown hashes fall back to Nodes. */
export function routeFromHash(hash: string): Route {
  const name = hash.replace(/^#\/?/, "").split(/[/?]/)[0] ?? "";
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : DEFAULT_ROUTE;
}

export function hrefFor(route: Route): string {
  return `#/${route}`;
}

export function navigate(route: Route): void {
  window.location.hash = `/${route}`;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

/** The current route; re-renders on every `hashchange`. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => routeFromHash(window.location.hash));
}
