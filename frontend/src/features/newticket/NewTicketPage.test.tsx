import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { SessionProvider } from "@/shared/session/SessionContext";
import type { Me } from "@/shared/session/api";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import { Toaster } from "@/shared/ui/Toaster";
import NewTicketPage, { ticketBody } from "./NewTicketPage";
import { draftKey, emptyDraft } from "./draft";

const me = { user: { id: 5, full_name: "Dana", email: "d@x", role: "dispatcher" }, account: { name: "Mall", time_zone: "Europe/Moscow" } } as unknown as Me;

const leak = {
  id: 2,
  code: "leak",
  name: "Leak",
  prefix: "LEAK",
  workflow: 1,
  default_priority: 3,
  form_fields: [
    { key: "severity", label: "How bad", kind: "choice", required: true, choices: ["drip", "stream", "flood"], help_text: "" },
    { key: "when", label: "Noticed at", kind: "datetime", required: false, choices: [], help_text: "" },
  ],
};
const dirt = { id: 3, code: "dirt", name: "Cleaning needed", prefix: "CLN", workflow: 1, default_priority: 2, form_fields: [] };
const people = [{ id: 7, full_name: "Irina Key", email: "irina@shop.ru", company: 3 }];
const companies = [{ id: 3, name: "Coffee Lab" }, { id: 4, name: "Shoe Box" }];

function api(extra: Record<string, (r: Request) => Response> = {}) {
  return mockApi({
    "GET /api/v1/ticket-types/": jsonResponse(200, [leak, dirt]),
    "GET /api/v1/people/": jsonResponse(200, { next: null, results: people }),
    "GET /api/v1/people/7/": jsonResponse(200, people[0]),
    "GET /api/v1/companies/": jsonResponse(200, { next: null, results: companies }),
    "GET /api/v1/locations/": jsonResponse(200, { next: null, results: [] }),
    "GET /api/v1/equipment/": jsonResponse(200, { next: null, results: [] }),
    ...extra,
  });
}

function renderPage() {
  return renderRoutes(
    [
      {
        path: "/tickets/new",
        element: (
          <SessionProvider me={me}>
            <NewTicketPage />
            <Toaster />
          </SessionProvider>
        ),
      },
      { path: "/tickets/:id", element: <Toaster /> },
    ],
    "/tickets/new",
  );
}

const posts = (calls: Request[]) => calls.filter((c) => c.method === "POST");

describe("NewTicketPage", () => {
  beforeEach(() => sessionStorage.clear());

  it("refuses a missing required field inline without sending anything", async () => {
    const user = userEvent.setup();
    const { calls } = api();
    renderPage();
    await user.selectOptions(await screen.findByLabelText(/^Type/), "leak");
    await user.type(screen.getByLabelText(/^Title/), "Water on floor 2");
    await user.click(screen.getByRole("button", { name: "Create ticket" }));
    const severity = screen.getByLabelText(/How bad/);
    expect(severity).toHaveAccessibleDescription("Fill this in.");
    expect(severity).toHaveFocus();
    expect(posts(calls)).toHaveLength(0);
  });

  it("files with only what is set, the requester's company preselected, and lands on the ticket with a notice", async () => {
    const user = userEvent.setup();
    const { calls } = api({ "POST /api/v1/tickets/": () => jsonResponse(201, { id: 42, key: "LEAK-42" }) });
    const { router } = renderPage();
    await user.selectOptions(await screen.findByLabelText(/^Type/), "leak");
    await user.type(screen.getByLabelText(/^Title/), "Water on floor 2");
    await user.selectOptions(screen.getByLabelText(/How bad/), "stream");
    await user.click(screen.getByRole("combobox", { name: "Requester" }));
    await user.click(await screen.findByRole("option", { name: /Irina Key/ }));
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Company" })).toHaveValue("Coffee Lab"));
    await user.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() => expect(router.state.location.pathname).toBe("/tickets/42"));
    expect(await posts(calls)[0]!.json()).toEqual({
      type: "leak",
      title: "Water on floor 2",
      requester: 7,
      company: 3,
      channel: "web",
      fields: { severity: "stream" },
    });
    expect(screen.getByRole("status")).toHaveTextContent("LEAK-42 created");
    expect(sessionStorage.getItem(draftKey(5))).toBeNull();
  });

  it("shows the API's field messages next to the fields they name", async () => {
    const user = userEvent.setup();
    api({
      "POST /api/v1/tickets/": () =>
        jsonResponse(400, {
          code: "invalid",
          detail: "Check the highlighted fields.",
          fields: { "fields.severity": ["Choose one of: drip, stream, flood."], planned_finish: ["The planned finish is before the planned start."], parent: ["No such item."] },
        }),
    });
    renderPage();
    await user.selectOptions(await screen.findByLabelText(/^Type/), "leak");
    await user.type(screen.getByLabelText(/^Title/), "Water");
    await user.selectOptions(screen.getByLabelText(/How bad/), "drip");
    await user.click(screen.getByRole("button", { name: "Create ticket" }));
    expect(await screen.findByLabelText(/How bad/)).toHaveAccessibleDescription("Choose one of: drip, stream, flood.");
    expect(screen.getByLabelText("Planned finish")).toHaveAccessibleDescription("The planned finish is before the planned start.");
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("Check the highlighted fields.");
    expect(alert).toHaveTextContent("No such item."); // a field the form does not show
    expect(alert).not.toHaveTextContent("Choose one of");
  });

  it("keeps a draft across a reload and clears it on request", async () => {
    const user = userEvent.setup();
    api();
    sessionStorage.setItem(draftKey(5), JSON.stringify({ ...emptyDraft, type: "leak", title: "Saved title", fields: { severity: "flood" } }));
    const { unmount } = renderPage();
    expect(await screen.findByLabelText(/^Title/)).toHaveValue("Saved title");
    expect(screen.getByLabelText(/How bad/)).toHaveValue("flood");
    await user.type(screen.getByLabelText(/^Title/), "!");
    expect(JSON.parse(sessionStorage.getItem(draftKey(5))!).title).toBe("Saved title!");
    unmount();
    renderPage();
    expect(await screen.findByLabelText(/^Title/)).toHaveValue("Saved title!");
    await user.click(screen.getByRole("button", { name: "Clear the form" }));
    expect(screen.getByLabelText(/^Title/)).toHaveValue("");
    expect(sessionStorage.getItem(draftKey(5))).toBeNull();
  });

  it("the type's default priority shows until another is chosen; a type without fields shows none", async () => {
    const user = userEvent.setup();
    api();
    renderPage();
    await user.selectOptions(await screen.findByLabelText(/^Type/), "leak");
    expect(screen.getByLabelText("Priority")).toHaveDisplayValue("High");
    await user.selectOptions(screen.getByLabelText(/^Type/), "dirt");
    expect(screen.getByLabelText("Priority")).toHaveDisplayValue("Normal");
    expect(screen.queryByLabelText(/How bad/)).not.toBeInTheDocument();
  });
});

describe("ticketBody", () => {
  it("sends only what is set", () => {
    expect(ticketBody({ ...emptyDraft, type: "dirt", title: "x", description: "  " }, [])).toEqual({ type: "dirt", title: "x" });
    expect(
      ticketBody(
        { ...emptyDraft, type: "dirt", title: "x", priority: 4, location: 2, equipment: 9, plannedStart: "2026-01-01T10:00:00+03:00", channel: "phone" },
        [],
      ),
    ).toEqual({ type: "dirt", title: "x", priority: 4, location: 2, equipment: 9, planned_start: "2026-01-01T10:00:00+03:00", channel: "phone" });
  });
});
