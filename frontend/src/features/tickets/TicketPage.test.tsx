import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LiveClient, type LiveEvent, resetLiveClient, type SubscriptionHandlers, type Topic } from "@/shared/live";
import { SessionProvider } from "@/shared/session/SessionContext";
import type { Me } from "@/shared/session/api";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import type { Comment, Ticket } from "./api";
import TicketPage from "./TicketPage";

const me = {
  user: { id: 2, email: "d@zelenopark.demo", full_name: "Daria Dispatcher", role: "dispatcher", language: "en" },
  account: { slug: "zelenopark", name: "Zelenopark", kind: "mall", status: "active", language: "en", time_zone: "Europe/Moscow" },
  impersonation: null,
} as unknown as Me;

function makeTicket(extra: Partial<Ticket> = {}): Ticket {
  return {
    id: 42,
    key: "LEAK-42",
    number: 42,
    title: "A tap is leaking",
    type: { id: 1, code: "leak", name: "Leak", prefix: "LEAK" },
    status: { id: 2, key: "in_progress", name: "In progress", category: "open" },
    priority: 3,
    requester: { id: 6, name: "Shop manager" },
    company: { id: 1, name: "Coffee Point" },
    location: null,
    equipment: null,
    group: null,
    assignee: null,
    channel: "web",
    fields: {},
    planned_start: null,
    planned_finish: null,
    created_at: "2026-12-01T10:00:00Z",
    updated_at: "2026-12-01T10:05:00Z",
    description: "Water on the floor",
    parent: null,
    watchers: [],
    resolved_at: null,
    closed_at: null,
    transitions: [
      { to: "waiting", to_name: "Waiting", name: "Wait", comment_required: true, required_fields: [] },
      { to: "resolved", to_name: "Resolved", name: "Resolve", comment_required: false, required_fields: [] },
    ],
    ...extra,
  } as Ticket;
}

const comments: Comment[] = [
  { id: 1, author: { id: 3, name: "Egor Engineer" }, body: "We are on it.", internal: false, created_at: "2026-12-01T10:01:00Z", attachments: [] },
  { id: 2, author: { id: 3, name: "Egor Engineer" }, body: "Check the warranty.", internal: true, created_at: "2026-12-01T10:02:00Z", attachments: [] },
];

let subscriptions: { topic: Topic; handlers: SubscriptionHandlers }[] = [];
let posted: unknown[] = [];
let listeners: ((m: unknown) => void)[] = [];
beforeEach(() => {
  subscriptions = [];
  posted = [];
  listeners = [];
  resetLiveClient({
    subscribe: (topic: Topic, handlers: SubscriptionHandlers) => {
      const entry = { topic, handlers };
      subscriptions.push(entry);
      return () => (subscriptions = subscriptions.filter((s) => s !== entry));
    },
    post: (message: unknown) => {
      posted.push(message);
      return true;
    },
    onMessage: (listener: (m: unknown) => void) => {
      listeners.push(listener);
      return () => (listeners = listeners.filter((l) => l !== listener));
    },
    stop: () => {},
    onStatus: () => () => {},
    status: "open",
  } as unknown as LiveClient);
});
afterEach(() => resetLiveClient());

function api(ticket: Ticket = makeTicket(), extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    "GET /api/v1/tickets/42/": () => jsonResponse(200, ticket),
    "GET /api/v1/tickets/42/comments/": () => jsonResponse(200, comments),
    "GET /api/v1/tickets/42/attachments/": () => jsonResponse(200, []),
    "GET /api/v1/tickets/42/events/": () => jsonResponse(200, []),
    "GET /api/v1/tickets/42/checklist/": () => jsonResponse(200, []),
    "GET /api/v1/tickets/42/approvals/": () => jsonResponse(200, { rounds: [], can_decide: false, can_resubmit: false }),
    "GET /api/v1/tickets/42/federation/": () => jsonResponse(200, []),
    "GET /api/v1/tickets/": () => jsonResponse(200, { next: null, previous: null, results: [] }),
    "GET /api/v1/ticket-types/1/": () => jsonResponse(200, { id: 1, code: "leak", name: "Leak", workflow: 1, form_fields: [] }),
    "GET /api/v1/workflows/1/": () => jsonResponse(200, { id: 1, code: "incident", name: "Incident", statuses: [], transitions: [] }),
    "GET /api/v1/groups/": () => jsonResponse(200, { next: null, previous: null, results: [] }),
    "GET /api/v1/people/": () => jsonResponse(200, { next: null, previous: null, results: [] }),
    ...extra,
  });
}

function renderTicket() {
  return renderRoutes(
    [
      {
        path: "/tickets/:id",
        element: (
          <SessionProvider me={me}>
            <TicketPage />
          </SessionProvider>
        ),
      },
    ],
    "/tickets/42",
  );
}

describe("TicketPage", () => {
  it("shows the ticket and its transitions as buttons", async () => {
    api();
    renderTicket();
    expect(await screen.findByRole("heading", { name: "A tap is leaking" })).toBeInTheDocument();
    expect(screen.getByText("LEAK-42")).toBeInTheDocument();
    const group = screen.getByRole("group", { name: "Change the status" });
    expect(within(group).getAllByRole("button").map((b) => b.textContent)).toEqual(["Wait", "Resolve"]);
  });

  it("asks for the comment a transition needs and shows the API's refusal next to the form", async () => {
    const { calls } = api(makeTicket(), {
      "POST /api/v1/tickets/42/transition/": jsonResponse(400, {
        code: "invalid",
        detail: "Some fields are not valid.",
        fields: { comment: ["This transition needs a comment."] },
      }),
    });
    renderTicket();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Wait" }));
    const comment = screen.getByLabelText("Comment (required)");
    await user.click(screen.getAllByRole("button", { name: "Wait" }).at(-1)!);
    expect(await screen.findByText("This transition needs a comment.")).toBeInTheDocument();
    expect(comment).toHaveAttribute("aria-invalid", "true");
    const sent = calls.filter((c) => c.method === "POST");
    expect(await sent[0]!.json()).toEqual({ to: "waiting", comment: "" });
  });

  it("keeps a public reply and an internal note apart", async () => {
    const { calls } = api(makeTicket(), {
      "POST /api/v1/tickets/42/comments/": () => jsonResponse(201, { id: 3, author: null, body: "x", internal: true, created_at: "2026-12-01T10:03:00Z", attachments: [] }),
    });
    renderTicket();
    const user = userEvent.setup();
    // the existing internal note carries its label
    const note = (await screen.findByText("Check the warranty.")).closest("li")!;
    expect(within(note).getByText("Internal note")).toBeInTheDocument();
    expect(note.className).toContain("tk-comment--internal");
    // public by default
    expect(screen.getByRole("button", { name: "Send reply" })).toBeInTheDocument();
    expect(screen.queryByText("Internal note — not visible to the requester")).not.toBeInTheDocument();
    await user.click(screen.getByRole("radio", { name: "Internal note" }));
    expect(screen.getByText("Internal note — not visible to the requester")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Internal note for agents only"), "Only for us");
    await user.click(screen.getByRole("button", { name: "Add internal note" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    expect(await calls.find((c) => c.method === "POST")!.json()).toEqual({ body: "Only for us", internal: true });
  });

  it("shows the API's refusal of an attachment", async () => {
    api(makeTicket(), {
      "POST /api/v1/tickets/42/attachments/": jsonResponse(400, { code: "attachment_rejected", detail: "Files of this type are not accepted." }),
    });
    renderTicket();
    const user = userEvent.setup();
    const input = (await screen.findByLabelText("Attach files")) as HTMLInputElement;
    await user.upload(input, new File(["MZ"], "tool.exe", { type: "application/octet-stream" }));
    expect(await screen.findByText("Files of this type are not accepted.")).toBeInTheDocument();
  });

  it("refetches on a live event and shows who else is viewing once subscribed", async () => {
    let status = "In progress";
    api(makeTicket(), {
      "GET /api/v1/tickets/42/": () => jsonResponse(200, makeTicket({ status: { id: 3, key: "x", name: status, category: "waiting", color: "" } })),
    });
    renderTicket();
    expect(await screen.findByText("In progress")).toBeInTheDocument();
    const sub = subscriptions.find((s) => s.topic.topic === "ticket")!;
    expect(sub.topic).toEqual({ topic: "ticket", id: 42 });
    act(() => sub.handlers.onSubscribed?.());
    expect(posted).toContainEqual({ type: "presence", ticket: 42, state: "viewing" });
    act(() => listeners.forEach((l) => l({ type: "presence", ticket: 42, state: "viewing", person: { id: 7, name: "Anna Dispatcher" }, socket: "a1" })));
    expect(await screen.findByText("Anna Dispatcher is viewing")).toBeInTheDocument();
    status = "Waiting";
    act(() => sub.handlers.onEvent?.({ id: 5, kind: "status_changed", ticket: { id: 42 } } as LiveEvent));
    expect(await screen.findByText("Waiting")).toBeInTheDocument();
  });

  it("shows the SLA the API reports and a breach that arrives live, in the panel and the history", async () => {
    const soon = new Date(Date.now() + 20 * 60_000).toISOString();
    const sla = (state: "warning" | "breached") => ({
      policy: { id: 1, name: "Leaks 24x7" },
      paused: false,
      next_due_at: soon,
      response: { due_at: soon, met_at: null, state, remaining_seconds: 1200 },
      resolution: null,
    });
    let state: "warning" | "breached" = "warning";
    let events: unknown[] = [];
    api(makeTicket(), {
      "GET /api/v1/tickets/42/": () => jsonResponse(200, makeTicket({ sla: sla(state) })),
      "GET /api/v1/tickets/42/events/": () => jsonResponse(200, events),
    });
    renderTicket();
    const panel = await screen.findByRole("region", { name: "SLA" });
    expect(within(panel).getByText("Due soon")).toBeInTheDocument();
    expect(within(panel).getByText(/^(19|20) min left$/)).toBeInTheDocument();
    // the beat records the breach: the event refetches the ticket and its history
    state = "breached";
    events = [{ id: 9, kind: "sla_breached", public: false, actor_name: "", at: soon, data: { target: "response", due_at: soon, late_by_minutes: 3 } }];
    const sub = subscriptions.find((s) => s.topic.topic === "ticket")!;
    act(() => sub.handlers.onEvent?.({ id: 9, kind: "sla_breached", ticket: { id: 42 } } as LiveEvent));
    expect(await within(panel).findByText("Breached")).toBeInTheDocument();
    expect(screen.getByTestId("sla-response")).toHaveClass("tk-sla__target--breached");
    expect(await screen.findByText(/^SLA breached: Response was due /)).toBeInTheDocument();
    expect(screen.getByText("Late by 3 min")).toBeInTheDocument();
  });

  it("says when the ticket does not exist", async () => {
    mockApi({ "GET /api/v1/tickets/42/": jsonResponse(404, { code: "not_found", detail: "Not found." }) });
    renderTicket();
    expect(await screen.findByText("This ticket does not exist or you may not see it.")).toBeInTheDocument();
  });
});
