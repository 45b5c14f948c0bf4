/** Keyboard shortcuts: see registry.ts (the API) and frontend/README.md "Conventions". */
export { type Shortcut, registerShortcuts, activeShortcuts, createKeyHandler, isTypingTarget } from "./registry";
export { useShortcuts, useActiveShortcuts } from "./useShortcuts";
export { KeyboardShortcuts } from "./KeyboardShortcuts";
