// A console's components, fetched when a view shows it, again every 60 s while the window is
// visible (the backend caches each console's answer for 20 s, so several views stay within the
// console's rate limit), and on demand: `refresh` (the refresh buttons) reads past every cache.
import { useCallback, useEffect, useRef, useState } from "react";
import { consoleComponents } from "../api";
import type { ConsoleComponents } from "../bindings/ConsoleComponents";
import { POLL_MS } from "./logic";

export interface ComponentsState {
  data: ConsoleComponents | null;
  /** Why the last fetch failed (the data of an earlier one is kept). */
  error: unknown;
  loading: boolean;
  /** An explicit refresh: a new read from the console, never a cached answer. */
  refresh: () => void;
}

/** `version` changes when the page knows the console changed (a copy into it): fetch again. */
export function useConsoleComponents(name: string, version = 0): ComponentsState {
  const [data, setData] = useState<ConsoleComponents | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const fetchedAt = useRef(0);

  const read = useCallback(
    (fresh: boolean) => {
      const mine = ++generation.current;
      setLoading(true);
      consoleComponents(name, fresh).then(
        (next) => {
          if (mine !== generation.current) return;
          fetchedAt.current = Date.now();
          setData(next);
          setError(null);
          setLoading(false);
        },
        (failure: unknown) => {
          if (mine !== generation.current) return;
          fetchedAt.current = Date.now();
          setError(failure);
          setLoading(false);
        },
      );
    },
    [name],
  );

  // Not `read` itself: a click handler would pass its event as `fresh`.
  const refresh = useCallback(() => read(true), [read]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is a refetch trigger.
  useEffect(() => {
    read(false);
  }, [read, version]);

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") read(false);
    }, POLL_MS);
    const onVisible = () => {
      if (document.visibilityState === "visible" && Date.now() - fetchedAt.current >= POLL_MS) {
        read(false);
      }
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
      generation.current++;
    };
  }, [read]);

  return { data, error, loading, refresh };
}
