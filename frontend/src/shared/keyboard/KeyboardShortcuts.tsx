import { lazy, Suspense, useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { createKeyHandler } from "./registry";
import { useShortcuts } from "./useShortcuts";

const ShortcutSheet = lazy(() => import("./ShortcutSheet"));

/**
 * Mounted once in the app shell: the keydown listener, the app-wide shortcuts (g q, c, ?) and the
 * `?` sheet (its chunk loads on first open).
 */
export function KeyboardShortcuts() {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const handler = createKeyHandler();
    document.addEventListener("keydown", handler);
    return () => document.removeEventListener("keydown", handler);
  }, []);
  useShortcuts([
    { keys: ["?"], label: "shared:keyboard.help", group: "shared:keyboard.global", run: () => setOpen(true) },
    { keys: ["g q"], label: "shared:keyboard.goQueues", group: "shared:keyboard.global", run: () => navigate("/queues") },
    { keys: ["c"], label: "shared:keyboard.newTicket", group: "shared:keyboard.global", run: () => navigate("/tickets/new") },
  ]);
  return open ? (
    <Suspense fallback={null}>
      <ShortcutSheet open={open} onOpenChange={setOpen} />
    </Suspense>
  ) : null;
}
