import { describe, expect, it } from "vitest";
import type { SlaPolicy } from "./api";
import { draftOf, durationOf, minutesOf, reorder, toBody } from "./draft";

const POLICY: SlaPolicy = {
  id: 3,
  name: "Tenants",
  order: 20,
  is_active: true,
  calendar: 5,
  warning_percent: 75,
  ticket_types: [1],
  companies: [],
  locations: [7],
  targets: [
    { priority: 4, response_minutes: 15, resolution_minutes: 240 },
    { priority: 2, response_minutes: 120, resolution_minutes: 2880 },
  ],
  escalations: [{ id: 11, threshold: "breach", target: "resolution", action: "raise_priority", group: 2, assignee: null }],
};

describe("SLA policy draft", () => {
  it("shows minutes in the largest unit that divides them and reads them back", () => {
    expect(durationOf(90)).toEqual({ amount: "90", unit: "min" });
    expect(durationOf(120)).toEqual({ amount: "2", unit: "h" });
    expect(durationOf(2880)).toEqual({ amount: "2", unit: "d" });
    expect(durationOf(null)).toEqual({ amount: "", unit: "h" });
    expect(minutesOf({ amount: "1,5", unit: "h" })).toBe(90);
    expect(minutesOf({ amount: "2", unit: "d" })).toBe(2880);
    expect(minutesOf({ amount: " ", unit: "h" })).toBeNull();
    expect(minutesOf({ amount: "soon", unit: "h" })).toBe("soon");
  });

  it("round-trips a policy, leaving out priorities without targets", () => {
    const draft = draftOf(POLICY);
    expect(draft.targets.map((x) => x.priority)).toEqual([1, 2, 3, 4]);
    const { body, targetPriorities } = toBody(draft);
    expect(targetPriorities).toEqual([2, 4]);
    expect(body.targets).toEqual([
      { priority: 2, response_minutes: 120, resolution_minutes: 2880 },
      { priority: 4, response_minutes: 15, resolution_minutes: 240 },
    ]);
    // raising the priority has no group or person to send
    expect(body.escalations).toEqual([{ id: 11, threshold: "breach", target: "resolution", action: "raise_priority", group: null, assignee: null }]);
    expect(body).toMatchObject({ name: "Tenants", order: 20, is_active: true, calendar: 5, warning_percent: 75, ticket_types: [1], companies: [], locations: [7] });
  });

  it("renumbers the orders after a move and lists only the changed ones", () => {
    const list = [
      { id: 1, order: 10 },
      { id: 2, order: 20 },
      { id: 3, order: 30 },
    ];
    const { list: next, changed } = reorder(list, 3, 1);
    expect(next.map((x) => x.id)).toEqual([3, 1, 2]);
    expect(changed).toEqual([
      { id: 3, order: 10 },
      { id: 1, order: 20 },
      { id: 2, order: 30 },
    ]);
    expect(reorder(list, 2, 2).changed).toEqual([]);
  });
});
