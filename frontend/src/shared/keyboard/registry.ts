/**
 * The app's keyboard shortcuts: one registry, one keydown listener (installed by
 * <KeyboardShortcuts/> in the shell), one `?` sheet that lists whatever is registered now.
 *
 *   useShortcuts([
 *     { keys: ["r"], label: "tickets:keys.reply", group: "tickets:keys.group", run: () => openReply() },
 *     { keys: ["g q"], ... },                  // a sequence: g, then q within a second
 *   ]);
 *
 * `keys` are alternatives; each is a space-separated sequence of KeyboardEvent.key values
 * ("j", "ArrowDown", "Enter", "?", "/"). `label` and `group` are i18next keys with their namespace.
 * Shortcuts registered later (the page's) win over earlier ones (the shell's). Nothing fires while
 * the person types in an input, a textarea, a select or an editable element, or holds Ctrl/Alt/Meta.
 */
export interface Shortcut {
  keys: string[];
  label: string;
  group: string;
  run: (event: KeyboardEvent) => void;
  /** Shown in the sheet but handled elsewhere (e.g. by a focused widget). */
  displayOnly?: boolean;
}

type Entry = { id: number; shortcuts: Shortcut[] };

let entries: Entry[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
let snapshot: Shortcut[] = [];

function changed() {
  snapshot = entries.flatMap((e) => e.shortcuts);
  for (const notify of listeners) notify();
}

/** Register a set of shortcuts; returns the function that removes them. */
export function registerShortcuts(shortcuts: Shortcut[]): () => void {
  const entry = { id: nextId++, shortcuts };
  entries = [...entries, entry];
  changed();
  return () => {
    entries = entries.filter((e) => e !== entry);
    changed();
  };
}

export function subscribeShortcuts(notify: () => void): () => void {
  listeners.add(notify);
  return () => listeners.delete(notify);
}

export function activeShortcuts(): Shortcut[] {
  return snapshot;
}

/** For tests. */
export function clearShortcuts(): void {
  entries = [];
  changed();
}

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (target as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "reset"].includes(type);
  }
  return Boolean(target.closest("[role=menu], [role=listbox], [role=combobox]"));
}

const SEQUENCE_MS = 1200;

/** The keydown handler: matches single keys and two-key sequences against the registry. */
export function createKeyHandler(now: () => number = () => Date.now()) {
  let pending: { key: string; at: number } | null = null;
  return function onKeyDown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTypingTarget(event.target)) return;
    if (document.querySelector("[role=dialog][data-state=open], [role=alertdialog][data-state=open]") && event.key !== "Escape") {
      // a modal dialog owns the keyboard
      return;
    }
    const key = event.key;
    const list = [...snapshot].reverse().filter((s) => !s.displayOnly);
    if (pending && now() - pending.at < SEQUENCE_MS) {
      const sequence = `${pending.key} ${key}`;
      pending = null;
      const hit = list.find((s) => s.keys.includes(sequence));
      if (hit) {
        event.preventDefault();
        hit.run(event);
        return;
      }
    }
    pending = null;
    const starts = list.some((s) => s.keys.some((k) => k.startsWith(`${key} `)));
    const hit = list.find((s) => s.keys.includes(key));
    if (starts) {
      pending = { key, at: now() };
      event.preventDefault();
      return;
    }
    if (hit) {
      event.preventDefault();
      hit.run(event);
    }
  };
}
