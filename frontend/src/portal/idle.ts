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
