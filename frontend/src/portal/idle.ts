import type { QueryClient } from "@tanstack/react-query";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

/**
 * `false` on the first render, `true` once the browser is idle after it (requestIdleCallback,
 * at most `timeout` ms later; a timer where the browser has none). What only enhances the page
 * (the bell, the live updates) mounts then, as its own chunk, after the first screen.
 */
export function useIdle(timeout = 2000): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => whenIdle(() => setIdle(true), timeout), [timeout]);
  return idle;
}

/** Run `callback` when the browser is idle (or after `timeout` ms); returns a cancel. */
export function whenIdle(callback: () => void, timeout = 2000): () => void {
  if (typeof globalThis.requestIdleCallback === "function") {
    const handle = globalThis.requestIdleCallback(callback, { timeout });
    return () => globalThis.cancelIdleCallback(handle);
  }
  const handle = setTimeout(callback, Math.min(timeout, 200));
  return () => clearTimeout(handle);
}

/** `false` until the first screen is in (afterFirstScreen), then `true`. */
export function useAfterFirstScreen(timeout = 3000): boolean {
  const queryClient = useQueryClient();
  const [done, setDone] = useState(false);
  useEffect(() => afterFirstScreen(queryClient, () => setDone(true), timeout), [queryClient, timeout]);
  return done;
}

/**
 * Run `callback` after the first screen: once the page has loaded, no query is fetching any more
 * and the browser is idle (or `timeout` ms after that).
 */
export function afterFirstScreen(queryClient: QueryClient, callback: () => void, timeout = 3000): () => void {
  let cancel = () => {};
  let cancelled = false;
  const idle = () => {
    if (!cancelled) cancel = whenIdle(callback, timeout);
  };
  const afterQueries = () => {
    if (queryClient.isFetching() === 0) return idle();
    const stop = queryClient.getQueryCache().subscribe(() => {
      if (queryClient.isFetching() > 0) return;
      stop();
      idle();
    });
    cancel = stop;
  };
  if (document.readyState === "complete") afterQueries();
  else window.addEventListener("load", afterQueries, { once: true });
  return () => {
    cancelled = true;
    window.removeEventListener("load", afterQueries);
    cancel();
  };
}
