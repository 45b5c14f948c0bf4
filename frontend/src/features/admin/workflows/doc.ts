/** The workflow document as the editor holds it, and the API's write shape (WorkflowWrite). */
import type { Schemas } from "@/api/client";
import type { Workflow } from "../api";

type Category = Schemas["TicketCategoryEnum"];

/** What a status without its own colour is drawn in (the category's, as admin.css has it). */
export const CATEGORY_COLOURS: Record<Category, string> = {
  new: "#2F55D4",
  open: "#8A5A00",
  waiting: "#6B3FA0",
  resolved: "#1E7A3D",
  closed: "#4B5563",
  cancelled: "#B42318",
};

export interface StatusDraft {
  uid: string;
  key: string;
  name: string;
  category: Category;
  color: string; // "#RRGGBB", or "": drawn in the category's colour
  is_initial: boolean;
  saved: boolean; // exists on the server: its key names it (tickets are matched by key)
}

export interface TransitionDraft {
  uid: string;
  source: string;
  target: string;
  name: string;
  allowed_roles: string[];
  allowed_groups: number[];
  comment_required: boolean;
  required_fields: string; // comma-separated field keys, as typed
  set_group: number | null; // the group the ticket moves to on this transition (null: it stays)
  assignee: AssigneeAction;
  set_assignee: number | null; // with assignee "set": the person it is given to
  rest: Record<string, unknown>; // what the editor does not show, sent back as it came
}

/** What a transition does to the assignee: nothing, a named person, or nobody (clear_assignee). */
export type AssigneeAction = "keep" | "set" | "clear";

export interface Doc {
  code: string;
  name: string;
  statuses: StatusDraft[];
  transitions: TransitionDraft[];
  rest: Record<string, unknown>; // other workflow settings the API has, sent back unchanged
}

export function fromWorkflow(workflow: Workflow | undefined): Doc {
  if (!workflow)
    return {
      code: "",
      name: "",
      rest: {},
      statuses: [
        { uid: "s1", key: "new", name: "", category: "new", color: "", is_initial: true, saved: false },
        { uid: "s2", key: "done", name: "", category: "closed", color: "", is_initial: false, saved: false },
      ],
      transitions: [],
    };
  const { id: _id, code, name, statuses, transitions, ...rest } = workflow;
  return {
    code,
    name,
    rest,
    statuses: statuses.map((s, i) => ({ uid: `s${i}-${s.key}`, key: s.key, name: s.name, category: s.category, color: s.color ?? "", is_initial: !!s.is_initial, saved: true })),
    transitions: transitions.map((x, i) => {
      const { source, target, name: tName, allowed_roles, allowed_groups, comment_required, required_fields, set_group, set_assignee, clear_assignee, ...other } = x;
      return {
        uid: `t${i}`,
        source,
        target,
        name: tName,
        allowed_roles: Array.isArray(allowed_roles) ? allowed_roles.map(String) : [],
        allowed_groups: [...(allowed_groups ?? [])],
        comment_required: !!comment_required,
        required_fields: Array.isArray(required_fields) ? required_fields.join(", ") : "",
        set_group: typeof set_group === "number" ? set_group : null,
        assignee: typeof set_assignee === "number" ? "set" : clear_assignee ? "clear" : "keep",
        set_assignee: typeof set_assignee === "number" ? set_assignee : null,
        rest: other,
      };
    }),
  };
}

export function newTransition(source: string, target: string): TransitionDraft {
  return {
    uid: `t${Date.now()}-${Math.random().toString(36).slice(2, 6)}`,
    source,
    target,
    name: "",
    allowed_roles: [],
    allowed_groups: [],
    comment_required: false,
    required_fields: "",
    set_group: null,
    assignee: "keep",
    set_assignee: null,
    rest: {},
  };
}

export function newStatus(doc: Doc): StatusDraft {
  let n = doc.statuses.length + 1;
  while (doc.statuses.some((s) => s.key === `status_${n}`)) n++;
  return { uid: `s-new-${Date.now()}-${n}`, key: `status_${n}`, name: "", category: "open", color: "", is_initial: false, saved: false };
}

export function toWorkflowWrite(doc: Doc): Schemas["WorkflowWrite"] {
  return {
    ...doc.rest,
    code: doc.code.trim(),
    name: doc.name.trim(),
    statuses: doc.statuses.map((s) => ({ key: s.key.trim(), name: s.name.trim(), category: s.category, color: s.color, is_initial: s.is_initial })),
    transitions: doc.transitions.map((x) => ({
      ...x.rest,
      source: x.source,
      target: x.target,
      name: x.name.trim(),
      allowed_roles: x.allowed_roles,
      allowed_groups: x.allowed_groups,
      comment_required: x.comment_required,
      required_fields: x.required_fields
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean),
      set_group: x.set_group,
      set_assignee: x.assignee === "set" ? x.set_assignee : null,
      clear_assignee: x.assignee === "clear",
    })),
  };
}
