import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import SchedulesPage from "./SchedulesPage";
import { page, withSession } from "./testing";

const row = (id: number, over: Record<string, unknown> = {}) => ({
  id,
  name: `Schedule ${id}`,
  is_active: true,
  ticket_type: 3,
  title: "t",
  first_at: "2026-12-07T06:00:00Z",
  period_unit: "months",
  interval: 1,
  rrule: "",
  location: 2,
  equipment: null,
  ...over,
});

describe("SchedulesPage", () => {
  it("lists the schedules with their recurrence and filters them through the API", async () => {
    const { calls } = mockApi({
      "GET /api/v1/schedules/": (request) => {
        const active = new URL(request.url).searchParams.get("is_active");
        return jsonResponse(200, page(active === "false" ? [row(2, { is_active: false })] : [row(1, { period_unit: "weeks", interval: 2 }), row(3, { period_unit: "rrule", rrule: "FREQ=MONTHLY;BYDAY=1MO" })]));
      },
      "GET /api/v1/ticket-types/": jsonResponse(200, [{ id: 3, code: "pm", name: "Preventive works", workflow: 1, form_fields: [] }]),
      "GET /api/v1/locations/": jsonResponse(200, page([{ id: 2, name: "Boiler room", code: "B", path: "Boiler room", parent: null }])),
      "GET /api/v1/equipment/": jsonResponse(200, page([])),
    });
    const user = userEvent.setup();
    renderRoutes([{ path: "/maintenance/schedules", element: withSession(<SchedulesPage />) }], "/maintenance/schedules");
    expect(await screen.findByRole("link", { name: "Schedule 1" })).toHaveAttribute("href", "/maintenance/schedules/1");
    expect(screen.getByText("Every 2 weeks")).toBeInTheDocument();
    expect(screen.getByText("Rule: FREQ=MONTHLY;BYDAY=1MO")).toBeInTheDocument();
    expect((await screen.findAllByText("Boiler room")).length).toBeGreaterThan(0);
    await user.selectOptions(screen.getByRole("combobox", { name: "Active" }), "no");
    expect(await screen.findByRole("link", { name: "Schedule 2" })).toBeInTheDocument();
    await user.selectOptions(screen.getByRole("combobox", { name: "Ticket type" }), "3");
    await waitFor(() => {
      const last = new URL(calls.filter((c) => c.url.includes("/schedules/")).at(-1)!.url).searchParams;
      expect([last.get("is_active"), last.get("ticket_type")]).toEqual(["false", "3"]);
    });
  });
});
