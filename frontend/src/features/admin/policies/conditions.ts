/** An approval policy's conditions as the editor holds them, and back to the API's JSON.
 *
 * The API validates them with the routing rules' validator (`desk.routing.validate_conditions`) and
 * matches them the same way: priorities, channels, companies, locations, the ticket's form fields
 * (`{key, op, value}`) and a time window. Keys the editor does not know are kept as they came. */
import { type FieldCondition, type FieldOp, parseValue } from "../routing/rule";

export interface PolicyConditions {
  priorities: number[];
  channels: string[];
  companies: number[];
  locations: number[];
  fields: FieldCondition[];
  timeOn: boolean;
  timeFrom: string;
  timeTo: string;
  weekdays: number[];
  other: Record<string, unknown>;
}

type Json = Record<string, unknown>;
const asList = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const valueText = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(", ") : v == null ? "" : String(v));

export function conditionsFromApi(raw: unknown): PolicyConditions {
  const c = (raw && typeof raw === "object" && !Array.isArray(raw) ? raw : {}) as Json;
  const { priorities, channels, companies, locations, fields, time, ...other } = c;
  const t = (time && typeof time === "object" ? time : null) as Json | null;
  return {
    priorities: asList<number>(priorities),
    channels: asList<string>(channels),
    companies: asList<number>(companies),
    locations: asList<number>(locations),
    fields: asList<Json>(fields).map((f) => ({ key: String(f.key ?? ""), op: ((f.op as FieldOp) ?? "eq") as FieldOp, value: valueText(f.value) })),
    timeOn: t != null,
    timeFrom: String(t?.from ?? "09:00"),
    timeTo: String(t?.to ?? "18:00"),
    weekdays: asList<number>(t?.weekdays),
    other,
  };
}

export function conditionsToApi(c: PolicyConditions): Json {
  const out: Json = { ...c.other };
  if (c.priorities.length) out.priorities = c.priorities;
  if (c.channels.length) out.channels = c.channels;
  if (c.companies.length) out.companies = c.companies;
  if (c.locations.length) out.locations = c.locations;
  const fields = c.fields.filter((f) => f.key.trim());
  if (fields.length) out.fields = fields.map((f) => ({ key: f.key.trim(), op: f.op, value: parseValue(f.value, f.op) }));
  if (c.timeOn) out.time = { from: c.timeFrom, to: c.timeTo, ...(c.weekdays.length ? { weekdays: [...c.weekdays].sort() } : {}) };
  return out;
}

/** The API's field-error keys for the conditions, for ErrorAlert's shownFields. */
export const CONDITION_ERROR_KEYS = ["conditions", "conditions.priorities", "conditions.channels", "conditions.companies", "conditions.locations", "conditions.fields", "conditions.time"];
