/** A routing rule's conditions and actions as the editor holds them, and back to the API's JSON. */
import type { RoutingRule } from "../api";

export const FIELD_OPS = ["eq", "ne", "in", "contains", "gte", "lte"] as const;
export type FieldOp = (typeof FIELD_OPS)[number];

export interface FieldCondition {
  key: string;
  op: FieldOp;
  value: string; // as typed: numbers and true/false become JSON values; "in" takes a comma list
}

export interface RuleDraft {
  id: number | null;
  name: string;
  is_active: boolean;
  stop_processing: boolean;
  order: number;
  types: string[];
  priorities: number[];
  channels: string[];
  companies: number[];
  locations: number[];
  fields: FieldCondition[];
  timeOn: boolean;
  timeFrom: string;
  timeTo: string;
  weekdays: number[];
  group: number | null;
  priority: number | null;
  assigneeMode: "" | "fixed" | "least_open" | "round_robin";
  assigneePerson: number | null;
  watchers: number[];
  forwardTo: string; // partnership id
  forwardNote: string;
  otherConditions: Record<string, unknown>;
  otherActions: Record<string, unknown>;
}

type Json = Record<string, unknown>;
const asList = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function valueText(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(", ");
  if (v === null || v === undefined) return "";
  return String(v);
}

/** "12" → 12, "true" → true, "a, b" (for `in`) → ["a", "b"], anything else stays text. */
export function parseValue(text: string, op: FieldOp): unknown {
  const one = (t: string): unknown => {
    const s = t.trim();
    if (s === "true") return true;
    if (s === "false") return false;
    if (s !== "" && !Number.isNaN(Number(s))) return Number(s);
    return s;
  };
  if (op === "in") return text.split(",").map(one).filter((v) => v !== "");
  return one(text);
}

export function emptyRule(order: number): RuleDraft {
  return fromRule({ id: 0, name: "", order, is_active: true, stop_processing: false, conditions: {}, actions: {} }, true);
}

export function fromRule(rule: RoutingRule, isNew = false): RuleDraft {
  const c = (rule.conditions ?? {}) as Json;
  const a = (rule.actions ?? {}) as Json;
  const time = (c.time ?? null) as Json | null;
  const assignee = (a.assignee ?? null) as Json | null;
  const forward = (a.forward ?? null) as Json | null;
  const { types, priorities, channels, companies, locations, fields, time: _t, ...otherConditions } = c;
  const { group, priority, assignee: _a, watchers, forward: _f, ...otherActions } = a;
  return {
    id: isNew ? null : rule.id,
    name: rule.name,
    is_active: rule.is_active ?? true,
    stop_processing: rule.stop_processing ?? false,
    order: rule.order ?? 0,
    types: asList<string>(types),
    priorities: asList<number>(priorities),
    channels: asList<string>(channels),
    companies: asList<number>(companies),
    locations: asList<number>(locations),
    fields: asList<Json>(fields).map((f) => ({ key: String(f.key ?? ""), op: (f.op as FieldOp) ?? "eq", value: valueText(f.value) })),
    timeOn: time != null,
    timeFrom: String(time?.from ?? "09:00"),
    timeTo: String(time?.to ?? "18:00"),
    weekdays: asList<number>(time?.weekdays),
    group: typeof group === "number" ? group : null,
    priority: typeof priority === "number" ? priority : null,
    assigneeMode: (assignee?.mode as RuleDraft["assigneeMode"]) ?? "",
    assigneePerson: typeof assignee?.person === "number" ? assignee.person : null,
    watchers: asList<number>(watchers),
    forwardTo: forward ? String(forward.partnership ?? "") : "",
    forwardNote: forward ? String(forward.note ?? "") : "",
    otherConditions,
    otherActions,
  };
}

export function toRule(d: RuleDraft): Omit<RoutingRule, "id"> {
  const conditions: Json = { ...d.otherConditions };
  if (d.types.length) conditions.types = d.types;
  if (d.priorities.length) conditions.priorities = d.priorities;
  if (d.channels.length) conditions.channels = d.channels;
  if (d.companies.length) conditions.companies = d.companies;
  if (d.locations.length) conditions.locations = d.locations;
  const fields = d.fields.filter((f) => f.key.trim());
  if (fields.length) conditions.fields = fields.map((f) => ({ key: f.key.trim(), op: f.op, value: parseValue(f.value, f.op) }));
  if (d.timeOn) conditions.time = { from: d.timeFrom, to: d.timeTo, ...(d.weekdays.length ? { weekdays: [...d.weekdays].sort() } : {}) };
  const actions: Json = { ...d.otherActions };
  if (d.group != null) actions.group = d.group;
  if (d.priority != null) actions.priority = d.priority;
  if (d.assigneeMode === "fixed") actions.assignee = { mode: "fixed", person: d.assigneePerson };
  else if (d.assigneeMode) actions.assignee = { mode: d.assigneeMode };
  if (d.watchers.length) actions.watchers = d.watchers;
  if (d.forwardTo) actions.forward = { partnership: d.forwardTo, ...(d.forwardNote.trim() ? { note: d.forwardNote.trim() } : {}) };
  return { name: d.name.trim(), is_active: d.is_active, stop_processing: d.stop_processing, order: d.order, conditions, actions };
}

/** New `order` values after a move (10, 20, 30…), and which rules' order changed. */
export function reorder<T extends { id: number; order?: number }>(rules: T[], fromId: number, overId: number): { list: T[]; changed: { id: number; order: number }[] } {
  const list = [...rules];
  const i = list.findIndex((r) => r.id === fromId);
  const j = list.findIndex((r) => r.id === overId);
  if (i < 0 || j < 0 || i === j) return { list: rules, changed: [] };
  const [moved] = list.splice(i, 1);
  list.splice(j, 0, moved!);
  const changed: { id: number; order: number }[] = [];
  const next = list.map((r, k) => {
    const order = (k + 1) * 10;
    if (r.order !== order) changed.push({ id: r.id, order });
    return { ...r, order };
  });
  return { list: next, changed };
}
