import { act, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SessionProvider } from "@/shared/session/SessionContext";
import type { Me } from "@/shared/session/api";
import type { Ticket } from "./api";
import type { TicketSla } from "./sla";
import { SlaPanel } from "./SlaPanel";

const me = {
  user: { id: 2, email: "d@zelenopark.demo", full_name: "Daria Dispatcher", role: "dispatcher", language: "en" },
  account: { slug: "zelenopark", name: "Zelenopark", kind: "mall", status: "active", language: "en", time_zone: "Europe/Moscow" },
  impersonation: null,
} as unknown as Me;

const NOW = Date.parse("2026-12-02T10:00:00Z");

function renderPanel(sla: TicketSla | null) {
  const ticket = { id: 42, sla } as unknown as Ticket;
  return render(
    <SessionProvider me={me}>
      <SlaPanel ticket={ticket} />
    </SessionProvider>,
  );
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

describe("SlaPanel", () => {
  it("shows nothing for a ticket no policy applies to", () => {
    const { container } = renderPanel(null);
    expect(container).toBeEmptyDOMElement();
  });

  it("shows each target's due time in the account zone, the API's state in words, and counts down", () => {
    renderPanel({
      policy: { id: 1, name: "Tenants, 8x5" },
      paused: false,
      next_due_at: "2026-12-02T10:30:00Z",
      response: { due_at: "2026-12-02T09:40:00Z", met_at: "2026-12-02T09:20:00Z", state: "met", remaining_seconds: 1200 },
      resolution: { due_at: "2026-12-02T12:05:00Z", met_at: null, state: "warning", remaining_seconds: 7500 },
    });
    const panel = screen.getByRole("region", { name: "SLA" });
    expect(within(panel).getByText("Policy: Tenants, 8x5")).toBeInTheDocument();
    const response = screen.getByTestId("sla-response");
    expect(within(response).getByText("Met")).toHaveClass("tk-sla__state--met");
    expect(within(response).getByText(/^Met Dec 2, 2026, 12:20/)).toBeInTheDocument(); // 09:20Z in Moscow
    const resolution = screen.getByTestId("sla-resolution");
    expect(resolution).toHaveClass("tk-sla__target--warning");
    expect(within(resolution).getByText("Due soon")).toBeInTheDocument();
    expect(within(resolution).getByText("Dec 2, 2026, 3:05 PM")).toHaveAttribute("datetime", "2026-12-02T12:05:00Z");
    expect(within(resolution).getByText("2 h 05 min left")).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(30 * 60_000));
    expect(within(resolution).getByText("1 h 35 min left")).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(2 * 3600_000));
    // past due: the countdown says overdue, the state stays the API's until it answers again
    expect(within(resolution).getByText("Overdue by 25 min")).toBeInTheDocument();
    expect(within(resolution).getByText("Due soon")).toBeInTheDocument();
  });

  it("shows a breach and a paused clock with the API's frozen remaining time", () => {
    renderPanel({
      policy: { id: 1, name: "Default" },
      paused: true,
      next_due_at: null,
      response: { due_at: "2026-12-01T10:00:00Z", met_at: null, state: "breached", remaining_seconds: -86400 },
      resolution: { due_at: null, met_at: null, state: "paused", remaining_seconds: 5400 },
    });
    const response = screen.getByTestId("sla-response");
    expect(response).toHaveClass("tk-sla__target--breached");
    expect(within(response).getByText("Breached")).toBeInTheDocument();
    // paused after it was due: the API's frozen late time, not a wall clock running on
    expect(within(response).getByText("Overdue by 1 d (clock stopped)")).toBeInTheDocument();
    const resolution = screen.getByTestId("sla-resolution");
    expect(within(resolution).getByText("Paused")).toBeInTheDocument();
    expect(within(resolution).getByText("1 h 30 min left (clock stopped)")).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(3600_000));
    expect(within(resolution).getByText("1 h 30 min left (clock stopped)")).toBeInTheDocument();
    expect(screen.getAllByText("Paused")).toHaveLength(2); // the panel's note and the target's state
  });
});
