import i18next from "i18next";
import { describe, expect, it } from "vitest";
import type { TicketEvent } from "./api";
import { describeEvent, shownInHistory } from "./history";
import { summarize } from "./presence";

const t = i18next.getFixedT("en", "tickets");
const ev = (kind: string, data: Record<string, unknown>): TicketEvent => ({ id: 1, kind, data, at: "2026-12-01T10:00:00Z" }) as TicketEvent;

describe("describeEvent", () => {
  it("lists a comment made with a transition once, under the status change", () => {
    expect(shownInHistory(ev("commented", { comment_id: 4, internal: false, body: "Fixed", transition: "Resolve" }))).toBe(false);
    expect(shownInHistory(ev("commented", { comment_id: 5, internal: false, body: "Hi" }))).toBe(true);
    expect(shownInHistory(ev("status_changed", { transition: "Resolve", comment: "Fixed" }))).toBe(true);
  });

  it("words a status change with the transition and the workflow's names", () => {
    const line = describeEvent(t, ev("status_changed", { transition: "Take into work", changes: { status: ["new", "in_progress"] }, comment: "On my way" }), {
      statusName: (k) => ({ new: "New", in_progress: "In progress" })[k],
    });
    expect(line.text).toBe("Take into work — Status: New → In progress");
    expect(line.details).toEqual(["On my way"]);
  });

  it("explains routing", () => {
    const line = describeEvent(
      t,
      ev("routed", {
        group: { id: 3, name: "Plumbing" },
        assignee: { id: 3, name: "Egor Engineer <engineer@zelenopark.demo>" },
        rules: [{ id: 1, rule: "Leaks to plumbing", set: { group: "Plumbing", assignee_mode: "least_open" } }],
      }),
    );
    expect(line.text).toBe("Routed: Group Plumbing, Assignee Egor Engineer");
    expect(line.details).toEqual(["Rule “Leaks to plumbing”: Group Plumbing"]);
  });

  it("lists changed fields from → to, custom fields by key", () => {
    const line = describeEvent(t, ev("changed", { changes: { priority: [2, 4], fields: [{ goods: "2" }, { goods: "2", plate: "E001" }] } }));
    expect([line.text, ...line.details]).toEqual(["Priority: Normal → Urgent", "plate: — → E001"]);
    expect(describeEvent(t, ev("assigned", { changes: { group: [{ id: 1, name: "Operations" }, { id: 5, name: "Security" }] } })).text).toBe(
      "Group: Operations → Security",
    );
  });

  it("tells an internal note from a public reply, and words approvals and federation", () => {
    expect(describeEvent(t, ev("commented", { internal: true, body: "secret" })).text).toBe("Added an internal note");
    expect(describeEvent(t, ev("commented", { internal: false, body: "hi" })).text).toBe("Replied publicly");
    expect(describeEvent(t, ev("approval_decided", { round: 2, decision: "needs_rework", comment: "Plate?" }))).toEqual({
      text: "Approval decision (round 2): Needs rework",
      details: ["Plate?"],
    });
    expect(describeEvent(t, ev("federation", { action: "partner_status", status: "In work" })).text).toBe("Partner's status: In work");
    expect(describeEvent(t, ev("federation", { action: "brand_new" })).text).toBe("Partner desk: brand_new");
    expect(describeEvent(t, ev("gate_checked", {})).text).toBe("Checked at the gate");
  });
});

describe("presence summary", () => {
  it("lists other people once, typing wins, forgets silent sockets and itself", () => {
    const now = 100_000;
    const sockets = new Map([
      ["a1", { person: { id: 7, name: "Anna" }, state: "viewing" as const, at: now - 1000 }],
      ["a2", { person: { id: 7, name: "Anna" }, state: "typing" as const, at: now - 2000 }],
      ["b1", { person: { id: 8, name: "Boris" }, state: "viewing" as const, at: now - 41_000 }],
      ["me", { person: { id: 2, name: "Me" }, state: "viewing" as const, at: now }],
    ]);
    expect(summarize(sockets, 2, now)).toEqual([{ id: 7, name: "Anna", typing: true }]);
  });

  it("words SLA warnings and breaches with the target, the due time and the delay", () => {
    const dateTime = (iso: string) => `<${iso}>`;
    const warning = describeEvent(t, ev("sla_warning", { target: "response", due_at: "2026-12-01T11:00:00Z" }), { dateTime });
    expect(warning).toEqual({ text: "SLA warning: Response due <2026-12-01T11:00:00Z>", details: [] });
    const breach = describeEvent(t, ev("sla_breached", { target: "resolution", due_at: "2026-12-01T12:00:00Z", late_by_minutes: 95 }), { dateTime });
    expect(breach).toEqual({ text: "SLA breached: Resolution was due <2026-12-01T12:00:00Z>", details: ["Late by 1 h 35 min"] });
  });
});
