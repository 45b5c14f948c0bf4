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
