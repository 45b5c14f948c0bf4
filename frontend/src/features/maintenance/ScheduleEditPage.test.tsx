import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import ScheduleEditPage from "./ScheduleEditPage";
import { page, withSession } from "./testing";

const TYPES = [
  { id: 1, code: "it", name: "IT", workflow: 1, form_fields: [] },
  { id: 3, code: "pm", name: "Preventive works", workflow: 1, form_fields: [{ key: "floor", label: "Floor", kind: "text", required: true }] },
];
const CHECKLISTS = [
  { id: 21, ticket_type: 3, name: "Pump checklist", stage: null, required_for: [], items: [], order: 0 },
  { id: 22, ticket_type: 1, name: "IT checklist", stage: null, required_for: [], items: [], order: 0 },
];
const GROUPS = page([{ id: 8, code: "eng", name: "Engineers", is_active: true, members: [] }]);

const SAVED = {
  id: 9,
  name: "Pump service",
  is_active: true,
  ticket_type: 3,
  title: "Service the pump",
  description: "",
  fields: { floor: "B1" },
  priority: null,
  location: null,
  equipment: null,
  checklist: 21,
  group: 8,
  requester: 7,
  first_at: "2026-12-07T06:00:00Z",
  period_unit: "weeks",
  interval: 2,
  rrule: "",
  ends_on: null,
  lead_days: 2,
  holidays: "next",
  mode: "grid",
  created_at: "2026-12-01T10:00:00Z",
  updated_at: "2026-12-01T10:00:00Z",
};

const directory = {
  "GET /api/v1/ticket-types/": jsonResponse(200, TYPES),
  "GET /api/v1/checklist-templates/": jsonResponse(200, CHECKLISTS),
  "GET /api/v1/groups/": jsonResponse(200, GROUPS),
  "GET /api/v1/locations/": jsonResponse(200, page([])),
  "GET /api/v1/equipment/": jsonResponse(200, page([])),
  "GET /api/v1/people/": jsonResponse(200, page([])),
  "GET /api/v1/people/7/": jsonResponse(200, { id: 7, email: "d@zelenopark.demo", full_name: "Dina Dispatcher" }),
};

function renderEditor(path: string) {
  return renderRoutes(
    [
      { path: "/maintenance/schedules/:id", element: withSession(<ScheduleEditPage />) },
      { path: "/maintenance/schedules", element: <p>the list</p> },
    ],
    path,
  );
}

describe("ScheduleEditPage", () => {
  it("creates a schedule: the API's field messages under their fields, then the body with every field", async () => {
    let answers = 0;
    const { calls } = mockApi({
      ...directory,
      "POST /api/v1/schedules/": () =>
        ++answers === 1
          ? jsonResponse(400, { code: "invalid", detail: "Some fields are not valid.", fields: { name: ["This field is required."], interval: ["Use a whole number from 1 to 1000."], "fields.floor": ["This field is required."], first_at: ["This field may not be null."] } })
          : jsonResponse(201, SAVED),
      "GET /api/v1/schedules/9/": jsonResponse(200, SAVED),
    });
    const user = userEvent.setup();
    const { router } = renderEditor("/maintenance/schedules/new");
    expect(await screen.findByRole("heading", { name: "New schedule", level: 1 })).toBeInTheDocument();
    const type = screen.getByRole("combobox", { name: "Ticket type" });
    await waitFor(() => expect(within(type).getByRole("option", { name: "Preventive works" })).toBeInTheDocument());
    await user.selectOptions(type, "3");
    // only the type's checklists
    const checklist = screen.getByRole("combobox", { name: "Checklist" });
    expect(within(checklist).getAllByRole("option").map((o) => o.textContent)).toEqual(["None", "Pump checklist"]);
    await user.type(screen.getByRole("textbox", { name: "Ticket title" }), "Service the pump");
    await user.clear(screen.getByRole("spinbutton", { name: "Every" }));
    await user.click(screen.getAllByRole("button", { name: "Save" })[0]!);

    expect(await screen.findAllByText("This field is required.")).toHaveLength(2); // name and the form's Floor
    expect(screen.getByRole("textbox", { name: "Name" })).toHaveAccessibleDescription(/This field is required\./);
    expect(screen.getByRole("spinbutton", { name: "Every" })).toHaveAccessibleDescription(/Use a whole number from 1 to 1000\./);
    expect(screen.getByLabelText("First occurrence")).toHaveAccessibleDescription(/This field may not be null\./);
    const first = await calls.find((c) => c.method === "POST")!.json();
    expect(first.interval).toBeNull();
    expect(first).not.toHaveProperty("requester"); // the author, as the API decides

    await user.type(screen.getByRole("textbox", { name: "Name" }), "Pump service");
    await user.type(screen.getByRole("textbox", { name: /Floor/ }), "B1");
    await user.selectOptions(checklist, "21");
    await user.selectOptions(screen.getByRole("combobox", { name: "Group" }), "8");
    await user.type(screen.getByLabelText("First occurrence"), "2026-12-07T09:00");
    await user.selectOptions(screen.getByRole("combobox", { name: "Repeat" }), "weeks");
    await user.type(screen.getByRole("spinbutton", { name: "Every" }), "2");
    const lead = screen.getByRole("spinbutton", { name: "File in advance, days" });
    await user.clear(lead);
    await user.type(lead, "2");
    await user.selectOptions(screen.getByRole("combobox", { name: "On a non-working day" }), "next");
    await user.click(screen.getByRole("radio", { name: /From completion/ }));
    await user.click(screen.getAllByRole("button", { name: "Save" })[0]!);

    await waitFor(() => expect(router.state.location.pathname).toBe("/maintenance/schedules/9"));
    const body = await calls.filter((c) => c.method === "POST")[1]!.json();
    expect(body).toEqual({
      name: "Pump service",
      is_active: true,
      ticket_type: 3,
      title: "Service the pump",
      description: "",
      fields: { floor: "B1" },
      priority: null,
      location: null,
      equipment: null,
      checklist: 21,
      group: 8,
      first_at: "2026-12-07T09:00:00+03:00", // the account's zone, Moscow
      period_unit: "weeks",
      interval: 2,
      rrule: "",
      ends_on: null,
      lead_days: 2,
      holidays: "next",
      mode: "from_completion",
    });
  });

  it("edits a schedule to a recurrence rule (PUT) and shows the API's rrule message", async () => {
    const { calls } = mockApi({
      ...directory,
      "GET /api/v1/schedules/9/": jsonResponse(200, SAVED),
      "PUT /api/v1/schedules/9/": jsonResponse(400, { code: "invalid", detail: "Some fields are not valid.", fields: { rrule: ["Not a recurrence rule (e.g. FREQ=MONTHLY;BYDAY=1MO)."] } }),
    });
    const user = userEvent.setup();
    renderEditor("/maintenance/schedules/9");
    expect(await screen.findByRole("heading", { name: "Schedule: Pump service", level: 1 })).toBeInTheDocument();
    expect(screen.getByLabelText("First occurrence")).toHaveValue("2026-12-07T09:00");
    expect(await screen.findByRole("textbox", { name: /Floor/ })).toHaveValue("B1");
    await user.selectOptions(screen.getByRole("combobox", { name: "Repeat" }), "rrule");
    expect(screen.queryByRole("spinbutton", { name: "Every" })).toBeNull();
    await user.type(screen.getByRole("textbox", { name: "Recurrence rule" }), "FREQ=MONTHLY;BYDAY=1MO");
    await user.click(screen.getAllByRole("button", { name: "Save" })[0]!);
    expect(await screen.findByText("Not a recurrence rule (e.g. FREQ=MONTHLY;BYDAY=1MO).")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Recurrence rule" })).toHaveAccessibleDescription(/Not a recurrence rule/);
    const body = await calls.find((c) => c.method === "PUT")!.json();
    expect([body.period_unit, body.rrule, body.interval, body.requester, body.first_at]).toEqual(["rrule", "FREQ=MONTHLY;BYDAY=1MO", 1, 7, "2026-12-07T09:00:00+03:00"]);
  });

  it("deletes only after the confirmation", async () => {
    const { calls } = mockApi({
      ...directory,
      "GET /api/v1/schedules/9/": jsonResponse(200, SAVED),
      "DELETE /api/v1/schedules/9/": jsonResponse(204),
    });
    const user = userEvent.setup();
    const { router } = renderEditor("/maintenance/schedules/9");
    await user.click(await screen.findByRole("button", { name: "Delete" }));
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    expect(screen.getByText("Delete the schedule “Pump service”?")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByText("Delete the schedule “Pump service”?")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Delete" }));
    await user.click(screen.getByRole("button", { name: "Delete the schedule" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/maintenance/schedules"));
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(1);
  });

  it("says 'not allowed' when the API refuses the schedule", async () => {
    mockApi({ ...directory, "GET /api/v1/schedules/9/": jsonResponse(403, { code: "permission_denied", detail: "Only account admins and managers plan maintenance." }) });
    renderEditor("/maintenance/schedules/9");
    expect(await screen.findByText("Not allowed")).toBeInTheDocument();
  });
});
