import { describe, expect, it } from "vitest";
import type { Workflow } from "../api";
import { fromWorkflow, newStatus, toWorkflowWrite } from "./doc";

const workflow = {
  id: 3,
  code: "incident",
  name: "Incident",
  confirm_status: "closed",
  return_status: "in_progress",
  statuses: [
    { key: "new", name: "New", category: "new", color: "", is_initial: true },
    { key: "in_progress", name: "In progress", category: "open", color: "#FF8800", is_initial: false },
    { key: "closed", name: "Closed", category: "closed", color: "", is_initial: false },
  ],
  transitions: [{ source: "new", target: "in_progress", name: "Start", allowed_roles: [], allowed_groups: [], comment_required: false, required_fields: [] }],
} as unknown as Workflow;

describe("the workflow document", () => {
  it("keeps each status's own colour, and the settings it does not show, from the API and back", () => {
    const doc = fromWorkflow(workflow);
    expect(doc.statuses.map((s) => s.color)).toEqual(["", "#FF8800", ""]);
    const write = toWorkflowWrite(doc);
    expect(write.statuses.map((s) => [s.key, s.color])).toEqual([
      ["new", ""],
      ["in_progress", "#FF8800"],
      ["closed", ""],
    ]);
    expect(write).toMatchObject({ confirm_status: "closed", return_status: "in_progress" });
  });

  it("starts a new status in its category's colour", () => {
    expect(newStatus(fromWorkflow(workflow)).color).toBe("");
  });
});

describe("a transition's effects", () => {
  const withEffects = (effects: Record<string, unknown>) =>
    ({ ...workflow, transitions: [{ ...workflow.transitions[0], ...effects }] }) as unknown as Workflow;

  it("reads set_group, set_assignee and clear_assignee into the editor's fields and writes them back", () => {
    const doc = fromWorkflow(withEffects({ set_group: 7, set_assignee: 12, clear_assignee: false }));
    expect(doc.transitions[0]).toMatchObject({ set_group: 7, assignee: "set", set_assignee: 12, rest: {} });
    expect(toWorkflowWrite(doc).transitions?.[0]).toMatchObject({ set_group: 7, set_assignee: 12, clear_assignee: false });

    const cleared = fromWorkflow(withEffects({ set_group: null, set_assignee: null, clear_assignee: true }));
    expect(cleared.transitions[0]).toMatchObject({ set_group: null, assignee: "clear" });
    expect(toWorkflowWrite(cleared).transitions?.[0]).toMatchObject({ set_group: null, set_assignee: null, clear_assignee: true });
  });

  it("keeps the group and the assignee when none is chosen, and forgets the person when the mode leaves 'set'", () => {
    const doc = fromWorkflow(workflow);
    expect(doc.transitions[0]).toMatchObject({ set_group: null, assignee: "keep", set_assignee: null });
    const changed = { ...doc, transitions: [{ ...doc.transitions[0]!, set_assignee: 12, assignee: "keep" as const }] };
    expect(toWorkflowWrite(changed).transitions?.[0]).toMatchObject({ set_group: null, set_assignee: null, clear_assignee: false });
  });
});
