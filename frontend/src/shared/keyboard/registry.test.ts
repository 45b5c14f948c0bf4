import { afterEach, describe, expect, it, vi } from "vitest";
import { clearShortcuts, createKeyHandler, registerShortcuts } from "./registry";

function press(handler: (e: KeyboardEvent) => void, key: string, target: EventTarget = document.body) {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
  Object.defineProperty(event, "target", { value: target });
  handler(event);
  return event;
}

describe("keyboard registry", () => {
  afterEach(() => clearShortcuts());

  it("runs single keys and two-key sequences, the latest registration first", () => {
    const shell = vi.fn();
    const page = vi.fn();
    const go = vi.fn();
    registerShortcuts([{ keys: ["j"], label: "a", group: "g", run: shell }, { keys: ["g q"], label: "b", group: "g", run: go }]);
    const remove = registerShortcuts([{ keys: ["j", "ArrowDown"], label: "c", group: "g", run: page }]);
    const handler = createKeyHandler();
    press(handler, "j");
    press(handler, "ArrowDown");
    expect(page).toHaveBeenCalledTimes(2);
    expect(shell).not.toHaveBeenCalled();
    press(handler, "g");
    press(handler, "q");
    expect(go).toHaveBeenCalledOnce();
    remove();
    press(handler, "j");
    expect(shell).toHaveBeenCalledOnce();
  });

  it("stays quiet while the person types", () => {
    const run = vi.fn();
    registerShortcuts([{ keys: ["x"], label: "x", group: "g", run }]);
    const input = document.createElement("input");
    const checkbox = document.createElement("input");
    checkbox.type = "checkbox";
    const handler = createKeyHandler();
    press(handler, "x", input);
    expect(run).not.toHaveBeenCalled();
    press(handler, "x", checkbox);
    expect(run).toHaveBeenCalledOnce();
  });
});
