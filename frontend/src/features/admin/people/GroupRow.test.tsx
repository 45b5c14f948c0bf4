import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { jsonResponse, mockApi, renderWithQuery } from "@/shared/test/render";
import type { Group } from "./api";
import { GroupRow } from "./PeoplePage";

const GLASS = { id: 5, code: "glass", name: "Glass", members: [] } as unknown as Group;

function renderRow() {
  return renderWithQuery(
    <ul>
      <GroupRow group={GLASS} members="Ann Agent" />
    </ul>,
  );
}

describe("GroupRow", () => {
  it("renames a group: sends the code and name, and shows the API's field errors under them", async () => {
    const { calls } = mockApi({
      "PUT /api/v1/groups/5/": (request) =>
        request
          .clone()
          .json()
          .then((body: { code: string }) =>
            body.code === "lifts"
              ? jsonResponse(400, { code: "invalid", detail: "Some fields are not valid.", fields: { code: ["Another group has this code."] } })
              : jsonResponse(200, { ...GLASS, ...body }),
          ),
    });
    renderRow();
    fireEvent.click(screen.getByRole("button", { name: "Rename Glass" }));
    const form = screen.getByRole("form", { name: "Rename Glass" });
    fireEvent.change(within(form).getByLabelText("Code"), { target: { value: "lifts" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save" }));
    expect(await within(form).findByText("Another group has this code.")).toBeInTheDocument();
    expect(within(form).getByLabelText("Code")).toHaveAttribute("aria-invalid", "true");

    fireEvent.change(within(form).getByLabelText("Code"), { target: { value: "glazing" } });
    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: "Glazing" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("form", { name: "Rename Glass" })).not.toBeInTheDocument());
    const sent = calls.filter((c) => c.method === "PUT");
    expect(await sent.at(-1)!.json()).toEqual({ code: "glazing", name: "Glazing" });
  });

  it("deletes a group, and shows the API's refusal on the group's row", async () => {
    const { calls } = mockApi({
      "DELETE /api/v1/groups/5/": jsonResponse(400, {
        code: "invalid",
        detail: "Some fields are not valid.",
        fields: { group: ["The group is still used by: routing rules Windows to glass. Change those first."] },
      }),
    });
    renderRow();
    fireEvent.click(screen.getByRole("button", { name: "Delete Glass" }));
    await screen.findByRole("alert");
    const row = screen.getByText("Glass").closest("li")!;
    expect(within(row).getByRole("alert")).toHaveTextContent("The group is still used by: routing rules Windows to glass. Change those first.");
    expect(screen.getByText("Glass")).toBeInTheDocument(); // the row stays
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(1);
  });
});
