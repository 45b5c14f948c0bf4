import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, mockApi, renderWithQuery } from "@/shared/test/render";
import type { AppNotification } from "./api";
import { NotificationBell } from "./NotificationBell";

// the tab's live client, replaced by one the test drives
const live = vi.hoisted(() => {
  const messages = new Set<(m: unknown) => void>();
  const statuses = new Set<(s: string) => void>();
  return {
    messages,
    statuses,
    client: {
      status: "open",
      onMessage: (fn: (m: unknown) => void) => (messages.add(fn), () => messages.delete(fn)),
      onStatus: (fn: (s: string) => void) => (statuses.add(fn), () => statuses.delete(fn)),
      start: vi.fn(),
    },
  };
});
vi.mock("@/shared/live", () => ({ getLiveClient: () => live.client }));

const note = (id: number, title: string, read = false): AppNotification => ({
  id,
  kind: "ticket.assigned",
  title,
  body: "",
  link: `https://mall.atrium.localhost/app/tickets/${id}`,
  ticket: id,
  created_at: "2026-12-01T10:00:00Z",
  read_at: read ? "2026-12-01T11:00:00Z" : null,
});

const page = (results: AppNotification[], unread: number) => ({ next: null, previous: null, results, unread_count: unread });

describe("NotificationBell", () => {
  beforeEach(() => {
    live.messages.clear();
    live.statuses.clear();
  });

  it("shows the unread count, lists unread first-marked items and marks one read", async () => {
    let listed = page([note(2, "Assigned to you: LEAK-2 Drip"), note(1, "Your request LEAK-1 is resolved", true)], 1);
    const { calls } = mockApi({
      "GET /api/v1/notifications/": () => jsonResponse(200, listed),
      "POST /api/v1/notifications/2/read/": () => {
        listed = page([{ ...listed.results[0]!, read_at: "2026-12-01T12:00:00Z" }, listed.results[1]!], 0);
        return jsonResponse(200, listed.results[0]);
      },
    });
    renderWithQuery(<NotificationBell />);
    const bell = await screen.findByRole("button", { name: "Notifications: 1 unread" });
    expect(bell).toHaveAttribute("aria-expanded", "false");
    fireEvent.click(bell);
    const panel = screen.getByRole("region", { name: "Notifications" });
    const items = within(panel).getAllByRole("listitem");
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent("Assigned to you: LEAK-2 Drip");
    expect(items[0]).toHaveTextContent("Unread");
    expect(items[1]).not.toHaveTextContent("Unread");
    // links stay on this host
    expect(within(items[0]!).getByRole("link")).toHaveAttribute("href", "/app/tickets/2");
    fireEvent.click(within(items[0]!).getByRole("button", { name: "Mark read: Assigned to you: LEAK-2 Drip" }));
    await screen.findByRole("button", { name: "Notifications" });
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toContain("POST /api/v1/notifications/2/read/");
    expect(within(panel).queryByRole("button", { name: /Mark read/ })).toBeNull();
  });

  it("marks everything read", async () => {
    let listed = page([note(3, "A"), note(4, "B")], 2);
    const { calls } = mockApi({
      "GET /api/v1/notifications/": () => jsonResponse(200, listed),
      "POST /api/v1/notifications/read-all/": () => {
        listed = page(listed.results.map((n) => ({ ...n, read_at: "2026-12-01T12:00:00Z" })), 0);
        return jsonResponse(200, { marked: 2, unread_count: 0 });
      },
    });
    renderWithQuery(<NotificationBell />);
    fireEvent.click(await screen.findByRole("button", { name: "Notifications: 2 unread" }));
    fireEvent.click(screen.getByRole("button", { name: "Mark all read" }));
    await screen.findByRole("button", { name: "Notifications" });
    expect(calls.some((c) => new URL(c.url).pathname === "/api/v1/notifications/read-all/" && c.method === "POST")).toBe(true);
    expect(screen.queryByRole("button", { name: "Mark all read" })).toBeNull();
  });

  it("shows a pushed notification at once and ignores other socket messages", async () => {
    let listed = page([], 0);
    mockApi({ "GET /api/v1/notifications/": () => jsonResponse(200, listed) });
    renderWithQuery(<NotificationBell />);
    fireEvent.click(await screen.findByRole("button", { name: "Notifications" }));
    expect(screen.getByText("Nothing new. You will see assignments, replies and approvals here.")).toBeInTheDocument();
    expect(live.client.start).toHaveBeenCalled();

    for (const fn of live.messages) fn({ type: "event", subs: [], event: {} });
    listed = page([note(9, "Approval needed: GOODS-9 Shelves")], 1);
    for (const fn of live.messages) fn({ type: "notification", notification: listed.results[0] });
    expect(await screen.findByText("Approval needed: GOODS-9 Shelves")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("button", { name: "Notifications: 1 unread" })).toBeInTheDocument());
  });

  it("closes with Escape and gives the focus back to the bell", async () => {
    mockApi({ "GET /api/v1/notifications/": () => jsonResponse(200, page([], 0)) });
    renderWithQuery(<NotificationBell />);
    const bell = await screen.findByRole("button", { name: "Notifications" });
    fireEvent.click(bell);
    expect(screen.getByRole("region", { name: "Notifications" })).toBeInTheDocument();
    fireEvent.keyDown(document, { key: "Escape" });
    expect(screen.queryByRole("region", { name: "Notifications" })).toBeNull();
    expect(bell).toHaveFocus();
  });
});
