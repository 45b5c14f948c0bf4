import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { jsonResponse, mockApi, renderWithQuery } from "@/shared/test/render";
import type { SlaPolicy } from "./api";
import SlaPoliciesPage from "./SlaPoliciesPage";

function policy(id: number, order: number, extra: Partial<SlaPolicy> = {}): SlaPolicy {
  return {
    id,
    name: `Policy ${id}`,
    order,
    is_active: true,
    calendar: null,
    warning_percent: 80,
    ticket_types: [],
    companies: [],
    locations: [],
    targets: [{ priority: 4, response_minutes: 30, resolution_minutes: 240 }],
    escalations: [],
    ...extra,
  };
}

const page = <T,>(results: T[]) => jsonResponse(200, { next: null, previous: null, results });

function directory(extra: Parameters<typeof mockApi>[0]) {
  return mockApi({
    "GET /api/v1/calendars/": jsonResponse(200, [
      { id: 1, name: "24x7", is_default: true },
      { id: 2, name: "Office 9-18", is_default: false },
    ]),
    "GET /api/v1/ticket-types/": jsonResponse(200, [
      { id: 1, code: "leak", name: "Leak", workflow: 1, form_fields: [] },
      { id: 2, code: "goods_in", name: "Goods in", workflow: 1, form_fields: [] },
    ]),
    "GET /api/v1/groups/": page([{ id: 5, name: "Plumbing" }]),
    "GET /api/v1/companies/": page([{ id: 8, name: "Coffee Point", legal_name: "" }]),
    "GET /api/v1/locations/": page([{ id: 9, name: "Level 1", parent: null, path: "9" }]),
    ...extra,
  });
}

describe("SlaPoliciesPage", () => {
  it("lists the policies in precedence order and saves a move as new orders", async () => {
    const { calls } = directory({
      "GET /api/v1/sla/policies/": jsonResponse(200, [policy(1, 20), policy(2, 10, { is_active: false }), policy(3, 30, { calendar: 2 })]),
      "PATCH /api/v1/sla/policies/3/": jsonResponse(200, policy(3, 20)),
      "PATCH /api/v1/sla/policies/1/": jsonResponse(200, policy(1, 30)),
    });
    const user = userEvent.setup();
    renderWithQuery(<SlaPoliciesPage />);
    await screen.findByRole("button", { name: "Policy 3" });
    const items = screen.getAllByRole("listitem");
    expect(items.map((li) => within(li).getAllByRole("button")[1]!.textContent)).toEqual(["Policy 2", "Policy 1", "Policy 3"]);
    expect(within(items[0]!).getByText("Off")).toBeInTheDocument();
    expect(items[2]).toHaveTextContent("Office 9-18 · Urgent: response 30 min, resolution 4 h");
    expect(items[1]).toHaveTextContent("Default calendar (24x7)"); // calendar null: whichever is the default

    await user.click(screen.getByRole("button", { name: "Move Policy 3 up" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(2));
    const patches = await Promise.all(calls.filter((c) => c.method === "PATCH").map(async (c) => [new URL(c.url).pathname, await c.json()]));
    expect(patches).toEqual([
      ["/api/v1/sla/policies/3/", { order: 20 }],
      ["/api/v1/sla/policies/1/", { order: 30 }],
    ]);
  });

  it("creates a policy with its calendar, conditions, targets in hours and days and an escalation", async () => {
    const { calls } = directory({
      "GET /api/v1/sla/policies/": jsonResponse(200, [policy(1, 10)]),
      "POST /api/v1/sla/policies/": async (request) => jsonResponse(201, { ...policy(4, 20), ...(await request.json()) }),
    });
    const user = userEvent.setup();
    renderWithQuery(<SlaPoliciesPage />);
    await user.click(await screen.findByRole("button", { name: "New SLA policy" }));
    const form = screen.getByRole("form", { name: "New SLA policy" });
    await user.type(within(form).getByRole("textbox", { name: "Name" }), "Urgent leaks");
    const calendar = within(form).getByRole("combobox", { name: "Working-time calendar" });
    await waitFor(() => expect(within(calendar).getByRole("option", { name: "Office 9-18" })).toBeInTheDocument());
    expect(within(calendar).getByRole("option", { name: "24x7 (default)" })).toBeInTheDocument();
    expect(calendar).toHaveValue(""); // a new policy follows the account's default calendar
    expect(within(calendar).getByRole("option", { name: "Default calendar (24x7)" })).toBeInTheDocument();
    await user.selectOptions(calendar, "2");
    const percent = within(form).getByRole("spinbutton", { name: /Warn at/ });
    await user.clear(percent);
    await user.type(percent, "70");
    await user.click(await within(form).findByRole("checkbox", { name: "Leak" }));
    await user.type(within(form).getByRole("spinbutton", { name: "Response time, Urgent" }), "30");
    await user.selectOptions(within(form).getByRole("combobox", { name: "Unit of Response time, Urgent" }), "min");
    await user.type(within(form).getByRole("spinbutton", { name: "Resolution time, Urgent" }), "4");
    await user.type(within(form).getByRole("spinbutton", { name: "Resolution time, Normal" }), "2");
    await user.selectOptions(within(form).getByRole("combobox", { name: "Unit of Resolution time, Normal" }), "d");
    await user.click(within(form).getByRole("button", { name: "Add an escalation" }));
    await user.selectOptions(within(form).getByRole("combobox", { name: "Action of escalation 1" }), "reassign");
    await user.selectOptions(within(form).getByRole("combobox", { name: "Group of escalation 1" }), "5");
    await user.click(within(form).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    const body = await calls.find((c) => c.method === "POST")!.json();
    expect(body).toEqual({
      name: "Urgent leaks",
      order: 20,
      is_active: true,
      calendar: 2,
      warning_percent: 70,
      ticket_types: [1],
      companies: [],
      locations: [],
      targets: [
        { priority: 2, response_minutes: null, resolution_minutes: 2880 },
        { priority: 4, response_minutes: 30, resolution_minutes: 240 },
      ],
      escalations: [{ threshold: "breach", target: "resolution", action: "reassign", group: 5, assignee: null }],
    });
    await waitFor(() => expect(screen.queryByRole("form", { name: "New SLA policy" })).not.toBeInTheDocument());
  });

  it("shows the API's field messages under their fields, a target's at its priority's row", async () => {
    directory({
      "GET /api/v1/sla/policies/": jsonResponse(200, [
        policy(1, 10, {
          companies: [8],
          targets: [
            { priority: 2, response_minutes: 60, resolution_minutes: 480 },
            { priority: 4, response_minutes: 30, resolution_minutes: 20 },
          ],
          escalations: [{ id: 3, threshold: "warning", target: "response", action: "notify", group: null, assignee: null }],
        }),
      ]),
      "PUT /api/v1/sla/policies/1/": jsonResponse(400, {
        code: "invalid",
        detail: "Some fields are not valid.",
        fields: {
          warning_percent: ["Ensure this value is less than or equal to 99."],
          "targets.1.resolution_minutes": ["The resolution time cannot be shorter than the response time."],
          "escalations.0.group": ["Name a group or a person to notify."],
        },
      }),
    });
    const user = userEvent.setup();
    renderWithQuery(<SlaPoliciesPage />);
    await user.click(await screen.findByRole("button", { name: "Policy 1" }));
    const form = screen.getByRole("form", { name: "Edit “Policy 1”" });
    expect(await within(form).findByText("Coffee Point")).toBeInTheDocument(); // the company chip by name
    expect(within(form).getByRole("spinbutton", { name: "Resolution time, Normal" })).toHaveValue(8);
    expect(within(form).getByRole("combobox", { name: "Unit of Resolution time, Normal" })).toHaveValue("h");
    await user.click(within(form).getByRole("button", { name: "Save" }));
    expect(await within(form).findByText("Ensure this value is less than or equal to 99.")).toBeInTheDocument();
    const urgent = within(form).getByRole("rowheader", { name: "Urgent" }).closest("tr")!;
    expect(within(urgent).getByText("The resolution time cannot be shorter than the response time.")).toBeInTheDocument();
    const escalation = within(form).getByRole("group", { name: "Escalation 1" });
    expect(within(escalation).getByText("Name a group or a person to notify.")).toBeInTheDocument();
    // shown at their fields, not repeated in the alert
    expect(within(screen.getByRole("alert")).queryByText("Name a group or a person to notify.")).not.toBeInTheDocument();
  });
});
