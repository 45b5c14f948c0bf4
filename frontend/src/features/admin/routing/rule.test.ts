import { describe, expect, it } from "vitest";
import { emptyRule, fromRule, parseValue, reorder, toRule } from "./rule";

describe("routing rule document", () => {
  it("round-trips what the API has, keeping what the editor does not show", () => {
    const rule = {
      id: 4,
      name: "Leaks",
      order: 10,
      is_active: true,
      stop_processing: true,
      conditions: { types: ["leak"], fields: [{ key: "litres", op: "gte", value: 10 }], time: { from: "22:00", to: "06:00" }, custom: 1 },
      actions: { group: 3, assignee: { mode: "round_robin" }, forward: { partnership: "abc", note: "Please" }, other: true },
    };
    expect(toRule(fromRule(rule))).toEqual({
      name: "Leaks",
      order: 10,
      is_active: true,
      stop_processing: true,
      conditions: { types: ["leak"], fields: [{ key: "litres", op: "gte", value: 10 }], time: { from: "22:00", to: "06:00" }, custom: 1 },
      actions: { group: 3, assignee: { mode: "round_robin" }, forward: { partnership: "abc", note: "Please" }, other: true },
    });
  });

  it("reads typed values as the API compares them", () => {
    expect(parseValue("12", "gte")).toBe(12);
    expect(parseValue("true", "eq")).toBe(true);
    expect(parseValue("Kitchen", "eq")).toBe("Kitchen");
    expect(parseValue("a, 2, ", "in")).toEqual(["a", 2]);
  });

  it("leaves out empty conditions and actions", () => {
    const d = { ...emptyRule(30), name: " New ", group: 5, assigneeMode: "fixed" as const, assigneePerson: 7 };
    expect(toRule(d)).toEqual({ name: "New", order: 30, is_active: true, stop_processing: false, conditions: {}, actions: { group: 5, assignee: { mode: "fixed", person: 7 } } });
  });

  it("renumbers the order after a move and says which rules changed", () => {
    const rules = [
      { id: 1, order: 10 },
      { id: 2, order: 20 },
      { id: 3, order: 30 },
    ];
    const { list, changed } = reorder(rules, 3, 1);
    expect(list.map((r) => r.id)).toEqual([3, 1, 2]);
    expect(changed).toEqual([
      { id: 3, order: 10 },
      { id: 1, order: 20 },
      { id: 2, order: 30 },
    ]);
    expect(reorder(rules, 2, 2).changed).toEqual([]);
  });
});
