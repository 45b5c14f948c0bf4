import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import CalendarEditPage from "./CalendarEditPage";
import CalendarsPage from "./CalendarsPage";

const lunch = (weekday: number) => [
  { weekday, start: "09:00", end: "13:00" },
  { weekday, start: "14:00", end: "18:00" },
];
const OFFICE = {
  id: 4,
  name: "Office hours",
  time_zone: "Europe/Moscow",
  zone_from_account: true,
  is_default: true,
  is_24x7: false,
  holidays_country: "RU",
  week: [0, 1, 2, 3, 4].flatMap(lunch),
};
const SECURITY = { id: 5, name: "Security", time_zone: "Asia/Yekaterinburg", zone_from_account: false, is_default: false, is_24x7: true, holidays_country: "", week: [] };

function renderEditor(path: string) {
  return renderRoutes(
    [
      { path: "/admin/calendars/:id", element: <CalendarEditPage /> },
      { path: "/admin/calendars", element: <p>the list</p> },
    ],
    path,
  );
}

describe("CalendarsPage", () => {
  it("lists the calendars, the default marked, with their working time and holidays", async () => {
    mockApi({ "GET /api/v1/calendars/": jsonResponse(200, [OFFICE, SECURITY]) });
    renderRoutes([{ path: "/admin/calendars", element: <CalendarsPage /> }], "/admin/calendars");
    const office = (await screen.findByRole("link", { name: "Office hours" })).closest("tr")!;
    expect(within(office).getByText("Default")).toBeInTheDocument();
    expect(within(office).getByText("40 h a week")).toBeInTheDocument();
    expect(within(office).getByText("Europe/Moscow (the account's)")).toBeInTheDocument();
    expect(within(office).getByText("Russia (production calendar)")).toBeInTheDocument();
    const security = screen.getByRole("link", { name: "Security" }).closest("tr")!;
    expect(within(security).queryByText("Default")).toBeNull();
    expect(within(security).getByText("24×7")).toBeInTheDocument();
    expect(within(security).getByText("Asia/Yekaterinburg")).toBeInTheDocument();
  });
});

describe("CalendarEditPage", () => {
  it("creates a calendar: the week grid with lunch breaks, the API's messages under their intervals, then the body", async () => {
    let answers = 0;
    const { calls } = mockApi({
      "POST /api/v1/calendars/": () =>
        ++answers === 1
          ? jsonResponse(400, { code: "invalid", detail: "Some fields are not valid.", fields: { name: ["This field is required."], "week.9.end": ["The end comes before the start."] } })
          : jsonResponse(201, { ...OFFICE, id: 6, name: "Mall" }),
      "GET /api/v1/calendars/6/": jsonResponse(200, { ...OFFICE, id: 6, name: "Mall" }),
      "GET /api/v1/calendars/6/overrides/": jsonResponse(200, []),
      "GET /api/v1/calendars/6/days/": jsonResponse(200, []),
    });
    const user = userEvent.setup();
    const { router } = renderEditor("/admin/calendars/new");
    expect(await screen.findByRole("heading", { name: "New calendar", level: 1 })).toBeInTheDocument();
    // Monday to Friday with a lunch break, the weekend off
    expect(within(screen.getByRole("list", { name: "Working hours on Monday" })).getAllByRole("group")).toHaveLength(2);
    expect(within(screen.getByRole("list", { name: "Working hours on Sunday" })).getByText("Day off")).toBeInTheDocument();
    // a short Saturday, a Friday without its afternoon
    await user.click(screen.getByRole("button", { name: "Add interval on Saturday" }));
    const sat = screen.getByRole("group", { name: "Saturday, interval 1" });
    const satEnd = within(sat).getByRole("textbox", { name: "End of Saturday, interval 1" });
    await user.clear(satEnd);
    await user.type(satEnd, "08:00");
    await user.click(screen.getByRole("button", { name: "Remove Friday, interval 2" }));
    await user.click(screen.getByRole("switch", { name: "Russian production calendar" }));
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("This field is required.")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Name" })).toHaveAccessibleDescription(/This field is required\./);
    // week.9 is the 10th interval sent: Saturday's (Mon–Thu 2 each, Friday 1, then Saturday)
    expect(within(sat).getByText("The end comes before the start.")).toBeInTheDocument();
    expect(screen.getAllByText("The end comes before the start.")).toHaveLength(1);

    await user.type(screen.getByRole("textbox", { name: "Name" }), "Mall");
    await user.clear(satEnd);
    await user.type(satEnd, "15:00");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/admin/calendars/6"));
    const body = await calls.filter((c) => c.method === "POST")[1]!.json();
    expect(body).toEqual({
      name: "Mall",
      time_zone: "",
      is_default: false,
      is_24x7: false,
      holidays_country: "",
      week: [...[0, 1, 2, 3].flatMap(lunch), { weekday: 4, start: "09:00", end: "13:00" }, { weekday: 5, start: "09:00", end: "15:00" }],
    });
  });

  describe("an existing calendar", () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(new Date("2026-12-02T09:00:00Z"));
    });
    afterEach(() => vi.useRealTimers());

    it("saves its switches with PUT, adds a shortened day and shows the computed month", async () => {
      let overrides = [{ id: 1, day: "2026-12-31", kind: "holiday", intervals: [], note: "New Year's Eve" }];
      const { calls } = mockApi({
        "GET /api/v1/calendars/4/": jsonResponse(200, OFFICE),
        "PUT /api/v1/calendars/4/": async (request) => jsonResponse(200, { ...OFFICE, ...(await request.json()) }),
        "GET /api/v1/calendars/4/overrides/": () => jsonResponse(200, overrides),
        "POST /api/v1/calendars/4/overrides/": async (request) => {
          const body = await request.json();
          if (!body.day) return jsonResponse(400, { code: "invalid", detail: "Some fields are not valid.", fields: { day: ["This field is required."] } });
          overrides = [...overrides, { id: 2, ...body }];
          return jsonResponse(201, { id: 2, ...body });
        },
        "PATCH /api/v1/calendars/4/overrides/1/": async (request) => {
          const body = await request.json();
          overrides = overrides.map((o) => (o.id === 1 ? { ...o, ...body } : o));
          return jsonResponse(200, overrides[0]);
        },
        "GET /api/v1/calendars/4/days/": (request) => {
          const from = new URL(request.url).searchParams.get("from")!;
          const days = Array.from({ length: 31 }, (_, n) => {
            const day = `${from.slice(0, 8)}${String(n + 1).padStart(2, "0")}`;
            const weekend = [5, 6].includes((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7);
            return { day, working: !weekend, intervals: weekend ? [] : [{ start: "09:00", end: "13:00" }, { start: "14:00", end: "18:00" }], source: "week", note: "" };
          });
          days[30] = { day: `${from.slice(0, 8)}31`, working: false, intervals: [], source: "override", note: "New Year's Eve" };
          return jsonResponse(200, days);
        },
      });
      const user = userEvent.setup();
      renderEditor("/admin/calendars/4");
      expect(await screen.findByRole("heading", { name: "Calendar: Office hours", level: 1 })).toBeInTheDocument();
      expect(screen.getByLabelText("Time zone")).toHaveValue(""); // the account's

      // the month: December, Monday first, the 31st an exception
      const month = await screen.findByRole("region", { name: "December 2026 as computed" });
      const days = calls.find((c) => c.url.includes("/days/"))!;
      expect([new URL(days.url).searchParams.get("from"), new URL(days.url).searchParams.get("to")]).toEqual(["2026-12-01", "2026-12-31"]);
      const firstRow = within(month).getAllByRole("row")[1]!;
      expect(within(firstRow).getAllByRole("cell")[1]).toHaveAccessibleName("Tuesday, December 1, 2026");
      const eve = within(month).getByRole("cell", { name: "Thursday, December 31, 2026" });
      expect(eve).toHaveTextContent("Day off");
      expect(eve).toHaveTextContent("Exception");
      expect(within(month).getByRole("cell", { name: "Wednesday, December 2, 2026" })).toHaveTextContent("09:00–13:00, 14:00–18:00");

      // 24×7 on: saved with PUT, the week kept as it was
      await user.click(screen.getByRole("switch", { name: "Around the clock (24×7)" }));
      await user.click(screen.getByRole("button", { name: "Save" }));
      await waitFor(() => expect(calls.some((c) => c.method === "PUT")).toBe(true));
      const put = await calls.find((c) => c.method === "PUT")!.json();
      expect([put.is_24x7, put.holidays_country, put.is_default, put.week.length]).toEqual([true, "RU", true, 10]);

      // a shortened day: the API asks for the day first
      const exceptions = screen.getByRole("region", { name: "Exceptions" });
      expect(await within(exceptions).findByText("New Year's Eve")).toBeInTheDocument();
      const form = within(exceptions).getByRole("form", { name: "Add an exception" });
      await user.selectOptions(within(form).getByRole("combobox", { name: "Kind" }), "shortened");
      await user.click(within(form).getByRole("button", { name: "Add exception" }));
      expect(await within(form).findByText("This field is required.")).toBeInTheDocument();
      expect(within(form).getByLabelText("Day")).toHaveAccessibleDescription(/This field is required\./);
      await user.type(within(form).getByLabelText("Day"), "2026-12-30");
      const end = within(form).getByRole("textbox", { name: "End of Interval 1" });
      await user.clear(end);
      await user.type(end, "16:00");
      await user.type(within(form).getByRole("textbox", { name: "Note" }), "Pre-holiday");
      await user.click(within(form).getByRole("button", { name: "Add exception" }));
      expect(await within(exceptions).findByText("Pre-holiday")).toBeInTheDocument();
      const added = await calls.filter((c) => c.method === "POST").at(-1)!.json();
      expect(added).toEqual({ day: "2026-12-30", kind: "shortened", intervals: [{ start: "09:00", end: "16:00" }], note: "Pre-holiday" });

      // an exception changed in place (PATCH): New Year's Eve becomes a working day
      await user.click(within(exceptions).getByRole("button", { name: "Change the exception of Dec 31, 2026" }));
      const changing = within(exceptions).getByRole("form", { name: "The exception of Dec 31, 2026" });
      expect(within(changing).getByLabelText("Day")).toHaveValue("2026-12-31");
      await user.selectOptions(within(changing).getByRole("combobox", { name: "Kind" }), "working");
      await user.click(within(changing).getByRole("button", { name: "Save exception" }));
      expect(await within(exceptions).findByRole("form", { name: "Add an exception" })).toBeInTheDocument();
      const patched = await calls.find((c) => c.method === "PATCH")!.json();
      expect(patched).toEqual({ day: "2026-12-31", kind: "working", intervals: [{ start: "09:00", end: "18:00" }], note: "New Year's Eve" });
      expect(within(exceptions).getAllByRole("row")[1]).toHaveTextContent("Working day");
    });
  });
});
