import { act, fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { SortableList } from "./SortableList";

function renderList(onMove = vi.fn()) {
  render(
    <SortableList items={["a", "b", "c"]} idOf={(i) => i} labelOf={(i) => `Item ${i}`} onMove={onMove}>
      {(item, handle) => (
        <div>
          {handle}
          <span>{item}</span>
        </div>
      )}
    </SortableList>,
  );
  return onMove;
}

const settle = () => act(async () => await new Promise((r) => setTimeout(r, 10)));

describe("SortableList", () => {
  it("gives every item a labelled handle with the keyboard instructions", () => {
    renderList();
    const handle = screen.getByRole("button", { name: "Move Item b" });
    expect(handle).toHaveAttribute("aria-roledescription", "sortable");
    const described = document.getElementById(handle.getAttribute("aria-describedby")!);
    expect(described).toHaveTextContent("press Space to pick the item up");
  });

  it("picks an item up from the keyboard and announces it; Escape cancels without moving", async () => {
    const onMove = renderList();
    const handle = screen.getByRole("button", { name: "Move Item c" });
    handle.focus();
    await act(async () => {
      fireEvent.keyDown(handle, { code: "Space", key: " " });
    });
    await settle();
    expect(screen.getByRole("status")).toHaveTextContent(/Item c/);
    await act(async () => {
      fireEvent.keyDown(handle, { code: "Escape", key: "Escape" });
    });
    await settle();
    expect(screen.getByRole("status")).toHaveTextContent("Moving Item c cancelled.");
    expect(onMove).not.toHaveBeenCalled();
  });
});
