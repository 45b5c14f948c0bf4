import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { jsonResponse, mockApi, renderWithQuery } from "@/shared/test/render";
import PoliciesPage from "./PoliciesPage";

const POLICY = {
  id: 9,
  ticket_type: 1,
  name: "Big deliveries",
  order: 0,
  is_active: true,
  conditions: { fields: [{ key: "amount", op: "gte", value: 100 }] },
  approvers: [],
  approver_groups: [],
  deadline_hours: null,
  pending_status: "pending",
  rework_status: "rework",
  approved_status: "approved",
  remarks_status: null,
  rejected_status: "rejected",
  approved_group: null,
};
const STATUSES = ["pending", "rework", "approved", "rejected"].map((key) => ({ key, name: key, category: "open" }));

describe("PoliciesPage", () => {
  it("edits a policy's field condition on the type's form fields and shows the API's message under them", async () => {
    const { calls } = mockApi({
      "GET /api/v1/approval-policies/": jsonResponse(200, [POLICY]),
      "GET /api/v1/ticket-types/": jsonResponse(200, [{ id: 1, code: "goods_in", name: "Goods in", workflow: 2, form_fields: [{ key: "amount", label: "Amount", kind: "number" }, { key: "dock", label: "Dock", kind: "text" }] }]),
      "GET /api/v1/workflows/": jsonResponse(200, [{ id: 2, code: "goods", name: "Goods", statuses: STATUSES, transitions: [] }]),
      "GET /api/v1/groups/": jsonResponse(200, { results: [], next: null }),
      "PUT /api/v1/approval-policies/9/": jsonResponse(400, { code: "invalid", detail: "Some fields are not valid.", fields: { "conditions.fields": ["Each item needs a key and an op among: contains, eq, gte, in, lte, ne."] } }),
    });
    renderWithQuery(<PoliciesPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Big deliveries" }));
    const key = screen.getByRole("combobox", { name: "Field key of condition 1" });
    await waitFor(() => expect(within(key).getByRole("option", { name: "Dock" })).toBeInTheDocument());
    expect(key).toHaveValue("amount");
    fireEvent.change(key, { target: { value: "dock" } });
    fireEvent.change(screen.getByRole("combobox", { name: "Comparison of condition 1" }), { target: { value: "in" } });
    fireEvent.change(screen.getByRole("textbox", { name: "Value of condition 1" }), { target: { value: "A, B" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    const fields = screen.getByRole("group", { name: "Form fields" });
    expect(await within(fields).findByText("Each item needs a key and an op among: contains, eq, gte, in, lte, ne.")).toBeInTheDocument();
    const put = calls.find((c) => c.method === "PUT")!;
    expect((await put.json()).conditions).toEqual({ fields: [{ key: "dock", op: "in", value: ["A", "B"] }] });
  });
});
