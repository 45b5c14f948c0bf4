import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import PlanPage, { groupPlan } from "./PlanPage";
import { page, withSession } from "./testing";

const pump = { id: 5, name: "Pump P-1" };
const boiler = { id: 2, name: "Boiler room" };
const item = (over: Record<string, unknown>) => ({
  schedule: 1,
  schedule_name: "Pump service",
  occurrence: null,
  due_at: "2026-12-07T06:00:00Z",
  planned_at: "2026-12-07T06:00:00Z",
  moved: false,
  state: "planned",
  ticket: null,
  location: boiler,
  equipment: pump,
  completed_at: null,
  error: "",
  ...over,
});

const PLAN = [
  item({ state: "created", occurrence: 11, due_at: "2026-12-03T06:00:00Z", planned_at: "2026-12-03T06:00:00Z", ticket: { id: 40, number: 1234 } }),
  item({ state: "failed", occurrence: 12, schedule: 2, schedule_name: "Fire alarm test", due_at: "2026-12-04T07:00:00Z", planned_at: "2026-12-04T07:00:00Z", equipment: null, error: "Field “Floor” is required." }),
  item({ state: "skipped", due_at: "2026-12-05T06:00:00Z", planned_at: "2026-12-05T06:00:00Z" }),
  item({ state: "planned", moved: true, due_at: "2026-12-13T06:00:00Z", planned_at: "2026-12-11T06:00:00Z" }),
  item({ state: "planned", schedule: 3, schedule_name: "Roof check", location: null, equipment: null }),
];

function renderPlan(path = "/maintenance") {
  return renderRoutes(
    [
      { path: "/maintenance", element: withSession(<PlanPage />) },
      { path: "/tickets/:id", element: <p>ticket page</p> },
    ],
    path,
  );
}

describe("PlanPage", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-02T09:00:00Z")); // a Wednesday
  });
  afterEach(() => vi.useRealTimers());

  it("tries a failed occurrence again and reloads the plan", async () => {
    const { calls } = mockApi({
      "GET /api/v1/schedules/plan/": jsonResponse(200, PLAN),
      "GET /api/v1/locations/": jsonResponse(200, page([])),
      "GET /api/v1/equipment/": jsonResponse(200, page([])),
      "POST /api/v1/schedule-occurrences/12/retry/": jsonResponse(200, { id: 12, state: "pending", error: "", attempts: 0 }),
    });
    renderPlan();
    const boilerRoom = await screen.findByRole("region", { name: "Boiler room" });
    const plans = () => calls.filter((c) => c.url.includes("/schedules/plan/")).length;
    const before = plans();
    // only the failed occurrence offers it
    expect(within(boilerRoom).getAllByRole("button", { name: "Try again" })).toHaveLength(1);
    await userEvent.click(within(boilerRoom).getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST" && c.url.endsWith("/schedule-occurrences/12/retry/"))).toBe(true));
    await waitFor(() => expect(plans()).toBeGreaterThan(before));
  });

  it("shows four weeks by location and equipment, each occurrence with its state, ticket or reason", async () => {
    const { calls } = mockApi({
      "GET /api/v1/schedules/plan/": jsonResponse(200, PLAN),
      "GET /api/v1/locations/": jsonResponse(200, page([])),
      "GET /api/v1/equipment/": jsonResponse(200, page([])),
    });
    renderPlan();
    const boilerRoom = await screen.findByRole("region", { name: "Boiler room" });
    const plan = calls.find((c) => c.url.includes("/schedules/plan/"))!;
    const query = new URL(plan.url).searchParams;
    expect([query.get("from"), query.get("to")]).toEqual(["2026-12-02", "2026-12-30"]);
    expect(screen.getByText("Dec 2, 2026 – Dec 29, 2026")).toBeInTheDocument();

    // the pump's days, then the location as a whole (the failed fire alarm test and its reason)
    expect(within(boilerRoom).getAllByRole("heading", { level: 3 }).map((h) => h.textContent)).toEqual(["The location as a whole", "Pump P-1"]);
    expect(within(boilerRoom).getByText("Failed")).toBeInTheDocument();
    expect(within(boilerRoom).getByText("Field “Floor” is required.")).toBeInTheDocument();
    const ticket = within(boilerRoom).getByRole("link", { name: "Ticket #1234" });
    expect(ticket).toHaveAttribute("href", "/tickets/40");
    expect(within(boilerRoom).getByText("Skipped")).toBeInTheDocument();
    expect(within(boilerRoom).getByText(/moved from Dec 13/)).toBeInTheDocument();
    // the time of day in the account's zone (Moscow, UTC+3)
    expect(within(boilerRoom).getAllByText("9:00 AM").length).toBeGreaterThan(0);
    // no location comes last
    const headings = screen.getAllByRole("heading", { level: 2 }).map((h) => h.textContent);
    expect(headings).toEqual(["Boiler room", "No location"]);
    const nowhere = screen.getByRole("region", { name: "No location" });
    expect(within(nowhere).queryByRole("heading", { level: 3 })).toBeNull();
    expect(within(nowhere).getByRole("link", { name: "Roof check" })).toBeInTheDocument();
  });

  it("switches to a week (Monday to Monday) and a month, and pages through them", async () => {
    const { calls } = mockApi({
      "GET /api/v1/schedules/plan/": jsonResponse(200, []),
      "GET /api/v1/locations/": jsonResponse(200, page([])),
      "GET /api/v1/equipment/": jsonResponse(200, page([])),
    });
    const user = userEvent.setup();
    renderPlan();
    expect(await screen.findByText("Nothing is planned in these days.")).toBeInTheDocument();
    const ranges = () => calls.filter((c) => c.url.includes("/schedules/plan/")).map((c) => `${new URL(c.url).searchParams.get("from")}..${new URL(c.url).searchParams.get("to")}`);
    await user.click(screen.getByRole("radio", { name: "Week" }));
    await waitFor(() => expect(ranges()).toContain("2026-11-30..2026-12-07"));
    await user.click(screen.getByRole("button", { name: "Later" }));
    await waitFor(() => expect(ranges()).toContain("2026-12-07..2026-12-14"));
    await user.click(screen.getByRole("radio", { name: "Month" }));
    await waitFor(() => expect(ranges()).toContain("2026-12-01..2027-01-01"));
    await user.click(screen.getByRole("button", { name: "Earlier" }));
    await waitFor(() => expect(ranges()).toContain("2026-11-01..2026-12-01"));
  });

  it("filters by the location and equipment of the URL", async () => {
    const { calls } = mockApi({
      "GET /api/v1/schedules/plan/": jsonResponse(200, []),
      "GET /api/v1/locations/": jsonResponse(200, page([{ id: 2, name: "Boiler room", code: "B", path: "Boiler room", parent: null }])),
      "GET /api/v1/equipment/": jsonResponse(200, page([])),
    });
    renderPlan("/maintenance?location=2&equipment=5");
    await screen.findByText("Nothing is planned in these days.");
    const query = new URL(calls.find((c) => c.url.includes("/schedules/plan/"))!.url).searchParams;
    expect([query.get("location"), query.get("equipment")]).toEqual(["2", "5"]);
  });

  it("says 'not allowed' when the API refuses the plan", async () => {
    mockApi({
      "GET /api/v1/schedules/plan/": jsonResponse(403, { code: "permission_denied", detail: "Only account admins and managers plan maintenance." }),
      "GET /api/v1/locations/": jsonResponse(200, page([])),
      "GET /api/v1/equipment/": jsonResponse(200, page([])),
    });
    renderPlan();
    const alert = (await screen.findByText("Not allowed")).closest("[role=status]")!;
    expect(alert).toHaveTextContent("Only account admins and managers plan maintenance.");
    expect(screen.queryByRole("search", { name: "Plan filters" })).toBeNull();
  });
});

describe("groupPlan", () => {
  it("groups by the account's day, not the device's", () => {
    const late = item({ planned_at: "2026-12-07T22:30:00Z", due_at: "2026-12-07T22:30:00Z" }); // 8 Dec 01:30 in Moscow
    const groups = groupPlan([late as never], "Europe/Moscow", "en");
    expect(groups[0]!.equipment[0]!.days.map((d) => d.day)).toEqual(["2026-12-08"]);
  });
});
