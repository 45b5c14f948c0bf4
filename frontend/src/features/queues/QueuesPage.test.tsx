import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LiveClient, type LiveEvent, resetLiveClient, type SubscriptionHandlers, type Topic } from "@/shared/live";
import { SessionProvider } from "@/shared/session/SessionContext";
import type { Me } from "@/shared/session/api";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import type { TicketRow } from "./api";
import QueuesPage from "./QueuesPage";

const me = {
  user: { id: 2, email: "d@zelenopark.demo", full_name: "Daria Dispatcher", role: "dispatcher", language: "en" },
  account: { slug: "zelenopark", name: "Zelenopark", kind: "mall", status: "active", language: "en", time_zone: "Europe/Moscow" },
  impersonation: null,
} as unknown as Me;

function ticket(id: number, extra: Partial<TicketRow> = {}): TicketRow {
  return {
    id,
    key: `LEAK-${id}`,
    number: id,
    title: `Leak ${id}`,
    type: { id: 1, code: "leak", name: "Leak", prefix: "LEAK" },
    status: { id: 1, key: "new", name: "New", category: "new" },
    priority: 2,
    requester: { id: 6, name: "Shop manager" },
    company: null,
    location: null,
    equipment: null,
    group: null,
    assignee: null,
    channel: "web",
    fields: {},
    planned_start: null,
    planned_finish: null,
    created_at: `2026-12-01T10:${String(id).padStart(2, "0")}:00Z`,
    updated_at: `2026-12-01T10:${String(id).padStart(2, "0")}:00Z`,
    ...extra,
  } as TicketRow;
}

let subscriptions: { topic: Topic; handlers: SubscriptionHandlers }[] = [];
beforeEach(() => {
  subscriptions = [];
  resetLiveClient({
    subscribe: (topic: Topic, handlers: SubscriptionHandlers) => {
      const entry = { topic, handlers };
      subscriptions.push(entry);
      return () => (subscriptions = subscriptions.filter((s) => s !== entry));
    },
    stop: () => {},
    onStatus: () => () => {},
    status: "open",
  } as unknown as LiveClient);
});
afterEach(() => resetLiveClient());

function renderQueue(path: string) {
  return renderRoutes(
    [
      {
        path: "/queues/:view?",
        element: (
          <SessionProvider me={me}>
            <QueuesPage />
          </SessionProvider>
        ),
      },
      { path: "/tickets/:id", element: <p>ticket page</p> },
    ],
    path,
  );
}

function event(row: TicketRow, kind = "created"): LiveEvent {
  return { id: 99, kind, public: true, actor: "x", at: row.updated_at, ticket: { id: row.id } as LiveEvent["ticket"], data: {} };
}

describe("QueuesPage", () => {
  it("lists the view's tickets with the person's filters from the URL", async () => {
    const { calls } = mockApi({
      "GET /api/v1/saved-views/": jsonResponse(200, []),
      "GET /api/v1/tickets/": jsonResponse(200, { next: null, previous: null, results: [ticket(2), ticket(1)] }),
    });
    renderQueue("/queues/mine?type=leak&q=pipe");
    expect(await screen.findByRole("link", { name: "LEAK-2" })).toHaveAttribute("href", "/tickets/2");
    expect(screen.getByRole("heading", { name: "Mine" })).toBeInTheDocument();
    const list = calls.find((c) => c.url.includes("/api/v1/tickets/"))!;
    const params = new URL(list.url).searchParams;
    expect(params.get("assignee")).toBe("me");
    expect(params.get("type")).toBe("leak");
    expect(params.get("q")).toBe("pipe");
    expect(subscriptions[0]!.topic).toEqual({ topic: "queue", filters: { assignee: "me", type: "leak" } });
  });

  it("announces new tickets without moving the rows, inserts them on click, keeps the selection", async () => {
    let page = [ticket(2), ticket(1)];
    mockApi({
      "GET /api/v1/saved-views/": jsonResponse(200, []),
      "GET /api/v1/tickets/": () => jsonResponse(200, { next: null, previous: null, results: page }),
    });
    const user = userEvent.setup();
    renderQueue("/queues/open");
    await screen.findByRole("link", { name: "LEAK-2" });
    await user.click(screen.getByRole("checkbox", { name: "Select LEAK-1" }));

    page = [ticket(3), ticket(2, { status: { id: 2, key: "in_progress", name: "In progress", category: "open", color: "" } }), ticket(1)];
    subscriptions[0]!.handlers.onEvent!(event(ticket(3)));
    subscriptions[0]!.handlers.onEvent!(event(ticket(2), "status_changed"));

    const banner = await screen.findByRole("button", { name: "1 new ticket — show" });
    // the changed row updated in place, the new one not inserted yet
    expect(await screen.findByText("In progress")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "LEAK-3" })).not.toBeInTheDocument();
    await user.click(banner);
    const rows = screen.getAllByRole("row").slice(1);
    expect(within(rows[0]!).getByRole("link")).toHaveTextContent("LEAK-3");
    expect(screen.getByRole("checkbox", { name: "Select LEAK-1" })).toBeChecked();
  });

  it("marks a shown ticket that left the view instead of removing it", async () => {
    let page = [ticket(2), ticket(1)];
    mockApi({
      "GET /api/v1/saved-views/": jsonResponse(200, []),
      "GET /api/v1/tickets/": () => jsonResponse(200, { next: null, previous: null, results: page }),
      "GET /api/v1/tickets/2/": jsonResponse(200, { ...ticket(2), assignee: { id: 3, name: "Egor Engineer" } }),
    });
    renderQueue("/queues/unassigned");
    await screen.findByRole("link", { name: "LEAK-2" });
    page = [ticket(1)];
    subscriptions[0]!.handlers.onEvent!(event(ticket(2), "assigned"));
    expect(await screen.findByText("no longer in this view")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "LEAK-2" })).toBeInTheDocument();
    expect(screen.getByText("Egor Engineer")).toBeInTheDocument();
  });

  it("moves a row cursor with j/k and opens the ticket with Enter", async () => {
    mockApi({
      "GET /api/v1/saved-views/": jsonResponse(200, []),
      "GET /api/v1/tickets/": jsonResponse(200, { next: null, previous: null, results: [ticket(2), ticket(1)] }),
    });
    const { KeyboardShortcuts } = await import("@/shared/keyboard");
    const user = userEvent.setup();
    const { router } = renderRoutes(
      [
        {
          path: "/queues/:view?",
          element: (
            <SessionProvider me={me}>
              <KeyboardShortcuts />
              <QueuesPage />
            </SessionProvider>
          ),
        },
        { path: "/tickets/:id", element: <p>ticket page</p> },
      ],
      "/queues/open",
    );
    await screen.findByRole("link", { name: "LEAK-2" });
    await user.keyboard("jj");
    expect(screen.getAllByRole("row")[2]).toHaveAttribute("aria-current", "true");
    await user.keyboard("k{Enter}");
    expect(await screen.findByText("ticket page")).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/tickets/2");
  });

  it("follows a bulk change until it is done and shows the outcome", async () => {
    let polls = 0;
    const { calls } = mockApi({
      "GET /api/v1/saved-views/": jsonResponse(200, []),
      "GET /api/v1/tickets/": jsonResponse(200, { next: null, previous: null, results: [ticket(2), ticket(1)] }),
      "POST /api/v1/tickets/bulk/": jsonResponse(202, { queued: 2, job: { id: "j1", state: "queued", total: 2, done: 0, updated: [], refused: [] } }),
      "GET /api/v1/tickets/bulk/j1/": () => {
        polls += 1;
        return polls < 2
          ? jsonResponse(200, { id: "j1", state: "running", total: 2, done: 1, updated: [2], refused: [] })
          : jsonResponse(200, { id: "j1", state: "done", total: 2, done: 2, updated: [2], refused: [{ id: 1, code: "permission_denied", fields: {} }] });
      },
    });
    const user = userEvent.setup();
    renderQueue("/queues/open");
    await screen.findByRole("link", { name: "LEAK-2" });
    await user.click(screen.getByRole("checkbox", { name: "Select all tickets on this page" }));
    expect(screen.getByText("2 selected")).toBeInTheDocument();
    const change = screen.getByRole("combobox", { name: "Change" });
    expect([...(change as HTMLSelectElement).options].map((o) => o.value)).not.toContain("status");
    await user.selectOptions(change, "priority");
    await user.selectOptions(screen.getByRole("combobox", { name: "New value" }), "4");
    await user.click(screen.getByRole("button", { name: "Apply" }));
    expect(await screen.findByText("1 of 2", {}, { timeout: 3000 })).toBeInTheDocument();
    expect(await screen.findByText("1 ticket updated.", {}, { timeout: 3000 })).toBeInTheDocument();
    expect(screen.getByText("LEAK-1: permission_denied")).toBeInTheDocument();
    const post = calls.find((c) => c.method === "POST")!;
    expect(await post.json()).toEqual({ ids: [2, 1], changes: { priority: 4 } });
  });

  it("shows each row's SLA as the API reports it and filters and sorts by it", async () => {
    const now = Date.now();
    const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
    const target = (state: string, minutes: number) => ({ due_at: at(minutes), met_at: null, state, remaining_seconds: minutes * 60 });
    const sla = (state: string, minutes: number) => ({ policy: { id: 1, name: "Default" }, paused: state === "paused", next_due_at: at(minutes), response: target(state, minutes), resolution: target("running", minutes + 600) });
    const { calls } = mockApi({
      "GET /api/v1/saved-views/": jsonResponse(200, []),
      "GET /api/v1/ticket-types/": jsonResponse(200, []),
      "GET /api/v1/workflows/": jsonResponse(200, []),
      "GET /api/v1/tickets/": jsonResponse(200, {
        next: null,
        previous: null,
        results: [
          ticket(3, { sla: sla("breached", -95) } as Partial<TicketRow>),
          ticket(2, { sla: sla("warning", 30) } as Partial<TicketRow>),
          ticket(1, { sla: null } as Partial<TicketRow>),
          // waiting on the requester after its response was late: no clock runs, the breach stays
          ticket(4, { sla: { ...sla("breached", -60), paused: true } } as Partial<TicketRow>),
        ],
      }),
    });
    const user = userEvent.setup();
    renderQueue("/queues/open");
    await screen.findByRole("link", { name: "LEAK-3" });
    const rows = screen.getAllByRole("row").slice(1);
    const cell = (row: HTMLElement) => row.querySelector(".queues-table__c--sla")!;
    expect(cell(rows[0]!)).toHaveTextContent("Breached: Overdue 1 h 35 min");
    expect(cell(rows[0]!).firstElementChild).toHaveClass("queues-sla--breached");
    expect(cell(rows[1]!)).toHaveTextContent(/^Due soon: (30|29) min$/);
    expect(cell(rows[1]!).firstElementChild).toHaveClass("queues-sla--warning");
    expect(cell(rows[2]!)).toHaveTextContent("—");
    expect(cell(rows[3]!)).toHaveTextContent("Breached, paused");

    await user.click(screen.getByRole("button", { name: /SLA/ }));
    let last = calls.filter((c) => c.url.includes("/api/v1/tickets/")).at(-1)!;
    await waitFor(() => {
      last = calls.filter((c) => c.url.includes("/api/v1/tickets/")).at(-1)!;
      expect(new URL(last.url).searchParams.get("ordering")).toBe("sla_due"); // the soonest due first
    });

    await user.click(screen.getByRole("button", { name: "Filters" }));
    await user.selectOptions(screen.getByRole("combobox", { name: "SLA state" }), "breached");
    await waitFor(() => {
      last = calls.filter((c) => c.url.includes("/api/v1/tickets/")).at(-1)!;
      expect(new URL(last.url).searchParams.get("sla_state")).toBe("breached");
    });
    await user.type(screen.getByRole("spinbutton", { name: "SLA due within (minutes)" }), "60");
    await user.tab();
    await waitFor(() => {
      last = calls.filter((c) => c.url.includes("/api/v1/tickets/")).at(-1)!;
      expect(new URL(last.url).searchParams.get("sla_breaching_within")).toBe("60");
    });
    expect(new URL(last.url).searchParams.get("ordering")).toBe("sla_due");
  });
});
