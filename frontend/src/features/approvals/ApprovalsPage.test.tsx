import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { SessionProvider } from "@/shared/session/SessionContext";
import type { Me } from "@/shared/session/api";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import ApprovalsPage from "./ApprovalsPage";

const me = {
  user: { id: 4, email: "a@zelenopark.demo", full_name: "Anna Approver", role: "approver", language: "en" },
  account: { slug: "zelenopark", name: "Zelenopark", kind: "mall", status: "active", language: "en", time_zone: "Europe/Moscow" },
  capabilities: { check_at_gate: false, decide_approvals: true, plan_maintenance: false },
  impersonation: null,
} as unknown as Me;

const decisions = [
  { decision: "approved", label: "Approved", comment_required: false },
  { decision: "approved_with_remarks", label: "Approved with remarks", comment_required: true },
  { decision: "needs_rework", label: "Needs rework", comment_required: true },
  { decision: "rejected", label: "Rejected", comment_required: true },
];

const item = (id: number, ticketId: number) => ({
  id,
  approver: null,
  group: { id: 3, name: "Engineering" },
  decision: "",
  comment: "",
  decided_by: null,
  decided_at: null,
  due_at: "2099-01-01T10:00:00Z",
  round: 1,
  ticket: { id: ticketId, key: `WRK-${ticketId}`, title: `Works ${ticketId}`, type: "works_permit", status: "pending_approval", status_name: "Pending approval", priority: 2, created_at: "2026-12-01T10:00:00Z" },
  decisions,
});

function renderPage() {
  return renderRoutes(
    [
      {
        path: "/approvals",
        element: (
          <SessionProvider me={me}>
            <ApprovalsPage />
          </SessionProvider>
        ),
      },
      { path: "/tickets/:id", element: <p>ticket page</p> },
    ],
    "/approvals",
  );
}

describe("ApprovalsPage", () => {
  it("approves in one tap; asks for the comment the API says a decision needs and shows its refusal", async () => {
    let queue = [item(1, 10), item(2, 11)];
    const { calls } = mockApi({
      "GET /api/v1/approvals/": () => jsonResponse(200, { next: null, previous: null, results: queue }),
      "POST /api/v1/tickets/10/approvals/decide/": () => {
        queue = queue.filter((i) => i.ticket.id !== 10);
        return jsonResponse(200, { rounds: [], can_decide: false, can_resubmit: false });
      },
      "POST /api/v1/tickets/11/approvals/decide/": async (request) => {
        const body = await request.json();
        if (!body.comment) return jsonResponse(400, { code: "invalid", detail: "Some fields are not valid.", fields: { comment: ["Explain this decision."] }, request_id: "r1" });
        queue = [];
        return jsonResponse(200, { rounds: [], can_decide: false, can_resubmit: false });
      },
    });
    const user = userEvent.setup();
    renderPage();
    const first = (await screen.findByRole("link", { name: "WRK-10" })).closest("li")!;
    await user.click(within(first).getByRole("button", { name: "Approved" }));
    await waitFor(() => expect(screen.queryByRole("link", { name: "WRK-10" })).toBeNull());
    const decided = calls.find((c) => c.url.endsWith("/tickets/10/approvals/decide/"))!;
    expect(await decided.json()).toEqual({ decision: "approved", comment: "" });

    const second = screen.getByRole("link", { name: "WRK-11" }).closest("li")!;
    await user.click(within(second).getByRole("button", { name: "Approved with remarks" }));
    const box = within(second).getByRole("textbox", { name: "Comment (Approved with remarks)" });
    await user.click(within(second).getByRole("button", { name: "Send: Approved with remarks" }));
    expect(await within(second).findByText("Explain this decision.")).toBeInTheDocument();
    expect(box).toHaveAttribute("aria-invalid", "true");
    await user.type(box, "Keep the exit free");
    await user.click(within(second).getByRole("button", { name: "Send: Approved with remarks" }));
    expect(await screen.findByText("Nothing waits for your decision.")).toBeInTheDocument();
    const sent = calls.filter((c) => c.url.endsWith("/tickets/11/approvals/decide/")).at(-1)!;
    expect(await sent.json()).toEqual({ decision: "approved_with_remarks", comment: "Keep the exit free" });
  });
});
