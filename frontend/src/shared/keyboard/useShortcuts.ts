import { useEffect, useRef, useSyncExternalStore } from "react";
import { activeShortcuts, registerShortcuts, type Shortcut, subscribeShortcuts } from "./registry";

/**
 * Register shortcuts while the component is mounted. `run` may change every render (the latest
 * one is called); the set is re-registered only when its keys or labels change.
 */
export function useShortcuts(shortcuts: Shortcut[], enabled = true): void {
  const ref = useRef(shortcuts);
  ref.current = shortcuts;
  const signature = enabled ? shortcuts.map((s) => `${s.keys.join("|")}:${s.label}:${s.group}`).join(";") : "";
  useEffect(() => {
    if (!signature) return;
    const stable = ref.current.map((s, index) => ({ ...s, run: (e: KeyboardEvent) => ref.current[index]?.run(e) }));
    return registerShortcuts(stable);
  }, [signature]);
}

export function useActiveShortcuts(): Shortcut[] {
  return useSyncExternalStore(subscribeShortcuts, activeShortcuts, activeShortcuts);
}
