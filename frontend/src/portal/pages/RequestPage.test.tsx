import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type LiveClient, resetLiveClient } from "@/shared/live";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import RequestPage from "./RequestPage";

const cancel = { to: "cancelled", to_name: "Cancelled", to_category: "cancelled", name: "Cancel", comment_required: false, required_fields: [] };

function request(extra: Record<string, unknown> = {}) {
  return {
    id: 42,
    key: "LEAK-42",
    title: "A tap is leaking",
    type: { id: 1, code: "leak", name: "Leak", prefix: "LEAK" },
    status: { id: 1, key: "new", name: "New", category: "new" },
    requester: { id: 6, name: "Shop manager" },
    location: null,
    fields: {},
    created_at: "2026-12-01T10:00:00Z",
    updated_at: "2026-12-01T10:05:00Z",
    description: "",
    transitions: [cancel],
    confirmation: null,
    rating: null,
    can_confirm: false,
    can_return: false,
    can_rate: false,
    ...extra,
  };
}

beforeEach(() =>
  resetLiveClient({
    subscribe: () => () => {},
    post: () => true,
    onMessage: () => () => {},
    stop: () => {},
    onStatus: () => () => {},
    status: "open",
  } as unknown as LiveClient),
);
afterEach(() => {
  resetLiveClient();
  vi.unstubAllGlobals();
});

function page(ticket: () => object, extra: Parameters<typeof mockApi>[0] = {}) {
  const api = mockApi({
    "GET /api/v1/tickets/42/": () => jsonResponse(200, ticket()),
    "GET /api/v1/tickets/42/comments/": jsonResponse(200, []),
    "GET /api/v1/tickets/42/attachments/": jsonResponse(200, []),
    "GET /api/v1/ticket-types/": jsonResponse(200, []),
    ...extra,
  });
  renderRoutes([{ path: "/requests/:id", element: <RequestPage /> }], "/requests/42");
  return api;
}

describe("withdrawing one's own request", () => {
  it("is offered when the workflow allows a move to a cancelled status, and sends that move", async () => {
    let current = request();
    const api = page(() => current, {
      "POST /api/v1/tickets/42/transition/": () => {
        current = request({ status: { id: 6, key: "cancelled", name: "Cancelled", category: "cancelled" }, transitions: [] });
        return jsonResponse(200, current);
      },
    });
    await userEvent.click(await screen.findByRole("button", { name: "Withdraw the request" }));
    await userEvent.type(screen.getByLabelText("Why (optional)"), "Fixed it ourselves");
    await userEvent.click(screen.getByRole("button", { name: "Withdraw" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: "Withdraw the request" })).not.toBeInTheDocument());
    const posted = api.calls.filter((c) => c.method === "POST");
    expect(posted).toHaveLength(1);
    expect(await posted[0]!.json()).toEqual({ to: "cancelled", comment: "Fixed it ourselves" });
    expect(await screen.findByText("Cancelled")).toBeInTheDocument();
  });

  it("asks for the reason the transition requires before sending anything", async () => {
    const api = page(() => request({ transitions: [{ ...cancel, comment_required: true }] }));
    await userEvent.click(await screen.findByRole("button", { name: "Withdraw the request" }));
    await userEvent.click(screen.getByRole("button", { name: "Withdraw" }));
    expect(screen.getByLabelText(/^Why/)).toHaveAccessibleDescription("Say why you withdraw it.");
    expect(api.calls.filter((c) => c.method === "POST")).toHaveLength(0);
  });

  it("is not offered when the API lists no move to a cancelled status", async () => {
    page(() => request({ transitions: [{ ...cancel, to: "in_progress", to_category: "open" }] }));
    expect(await screen.findByText("A tap is leaking")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Withdraw the request" })).not.toBeInTheDocument();
  });
});
