import { describe, expect, it } from "vitest";
import { toneOf, type Verdict, verdictView, wholeDays } from "./verdict";

const pass = {
  id: 7,
  kind: "temporary",
  state: "approved",
  holder_name: "Ivan Petrov",
  document: "Passport 4510 123456",
  vehicle_plate: "A123BC77",
  company: { id: 1, name: "Coffee Point" },
  premises: null,
  short_code: "ABCD-EFGH",
  purpose: "Shop window",
  revoke_reason: "",
  reason: "valid",
} as Verdict["pass"];

function verdict(overrides: Partial<Verdict>): Verdict {
  return {
    check_id: 1,
    valid: true,
    reason: { code: "valid", message: "The pass is valid." },
    method: "qr",
    passes: [pass!],
    window: { valid_from: "2026-12-01", valid_until: "2026-12-05", daily_from: null, daily_until: null, starts_at: "2026-12-01T00:00:00+03:00", ends_at: "2026-12-06T00:00:00+03:00", time_zone: "Europe/Moscow" },
    ticket: { id: 10, key: "PASS-3", title: "Pass for Ivan", status: "Approved", category: "open" },
    linked_ticket: null,
    required_documents: ["Passport"],
    checklist: [],
    checklist_ticket: null,
    checked_at: "2026-12-02T10:00:00+03:00",
    pass,
    ...overrides,
  } as Verdict;
}

describe("verdictView", () => {
  it("a valid pass: the valid headline, holder, vehicle, documents", () => {
    const view = verdictView(verdict({}));
    expect(view).toMatchObject({
      tone: "valid",
      headline: "verdict.valid",
      reason: "The pass is valid.",
      holder: "Ivan Petrov",
      vehicle: "A123BC77",
      company: "Coffee Point",
      documents: ["Passport"],
      ticketKey: "PASS-3",
      checklistTicketId: null,
    });
  });

  it("a revoked pass: not valid, the API's reason and the revoke reason", () => {
    const revoked = { ...pass!, state: "revoked", revoke_reason: "Lost badge", reason: "revoked" } as Verdict["pass"];
    const view = verdictView(verdict({ valid: false, reason: { code: "revoked", message: "The pass was revoked." }, pass: revoked, passes: [revoked!] }));
    expect(view.tone).toBe("invalid");
    expect(view.headline).toBe("verdict.invalid");
    expect(view.reason).toBe("The pass was revoked.");
    expect(view.reasonCode).toBe("revoked");
    expect(view.revokeReason).toBe("Lost badge");
  });

  it.each(["not_approved", "outside_hours", "expired", "not_yet_valid", "rejected"] as const)("%s is not valid", (code) => {
    expect(toneOf({ valid: false, reason: { code, message: "" } })).toBe("invalid");
  });

  it("an unknown code is neither valid nor a pass", () => {
    const view = verdictView(verdict({ valid: false, reason: { code: "not_found", message: "No pass or ticket has this code." }, pass: null, passes: [], window: null, ticket: null, required_documents: [] }));
    expect(view.tone).toBe("unknown");
    expect(view.headline).toBe("verdict.notFound");
    expect(view.holder).toBeNull();
  });

  it("a goods ticket typed at the gate brings its checklist, open items first", () => {
    const checklist = [
      { id: 1, label: "Vehicle plate matches", kind: "yes_no", required: false, done: true },
      { id: 2, label: "Goods brought in", kind: "check", required: true, done: false },
    ];
    const view = verdictView(verdict({ method: "ticket", pass: null, passes: [], checklist, checklist_ticket: 42, ticket: { id: 42, key: "GIN-5", title: "Shelves", status: "Approved", category: "open" } }));
    expect(view.checklistTicketId).toBe(42);
    expect(view.checklist.map((i) => i.label)).toEqual(["Goods brought in", "Vehicle plate matches"]);
    expect(view.ticketKey).toBe("GIN-5");
  });
});

describe("wholeDays", () => {
  it("tells whole-day windows (shown as dates) from windows with hours", () => {
    expect(wholeDays("2026-12-01T00:00:00+03:00", "2026-12-06T00:00:00+03:00")).toBe(true);
    expect(wholeDays("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")).toBe(true);
    expect(wholeDays("2026-12-01T08:00:00+03:00", "2026-12-01T20:00:00+03:00")).toBe(false);
    expect(wholeDays("2026-12-01T00:00:00+03:00", "2026-12-01T18:30:00+03:00")).toBe(false);
  });
});
