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
  rest: Record<string, unknown>; // what the editor does not show (set_group, set_assignee…), sent back as it came
}

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
      const { source, target, name: tName, allowed_roles, allowed_groups, comment_required, required_fields, ...other } = x;
      return {
        uid: `t${i}`,
        source,
        target,
        name: tName,
        allowed_roles: Array.isArray(allowed_roles) ? allowed_roles.map(String) : [],
        allowed_groups: [...(allowed_groups ?? [])],
        comment_required: !!comment_required,
        required_fields: Array.isArray(required_fields) ? required_fields.join(", ") : "",
        rest: other,
      };
    }),
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
    })),
  };
}
