/**
 * A ticket type's form as the API sends it (GET /ticket-types/ → `form_fields`) and the values the
 * form holds. Values are kept in the API's shape (what POST/PATCH send in `fields`):
 *   text, long_text → string; number → number (the typed text while it is not a number);
 *   date → "YYYY-MM-DD"; datetime → ISO 8601 with offset; choice → one of `choices`;
 *   multi_choice → a list of them; boolean → true/false; company, location, equipment, person,
 *   file → an id. A field without a value is absent (or undefined).
 */
import type { Schemas } from "@/api/client";

export type FieldKind = Schemas["FormFieldKindEnum"];
export type FormFieldDef = Omit<Schemas["FormField"], "choices"> & { choices?: unknown };
export type FieldValues = Record<string, unknown>;

/** Every kind the desk knows (tenant_apps/desk/models.py FieldKind). */
export const FIELD_KINDS: readonly FieldKind[] = [
  "text",
  "long_text",
  "number",
  "date",
  "datetime",
  "choice",
  "multi_choice",
  "boolean",
  "company",
  "location",
  "equipment",
  "person",
  "file",
];

export function choicesOf(field: FormFieldDef): string[] {
  return Array.isArray(field.choices) ? field.choices.map(String) : [];
}

/** The API sends choices as bare values ("too_hot"); shown as words ("Too hot"). */
export function choiceLabel(value: string): string {
  const words = value.replace(/[_-]+/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : value;
}

/** Empty as the API counts it: missing, null, "", []. */
export function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

/** The number typed (commas accepted as decimal points), or undefined when it is not one. */
export function parseNumber(text: string): number | undefined {
  const cleaned = text.trim().replace(/\s+/g, "").replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned)) return undefined;
  const n = Number(cleaned);
  return Number.isFinite(n) ? n : undefined;
}

export type ClientIssue = "required" | "number";

/**
 * Typing aids only (the API decides): a required field left empty, a number that is not one.
 * Keyed by field key.
 */
export function checkFields(fields: FormFieldDef[], values: FieldValues): Record<string, ClientIssue> {
  const issues: Record<string, ClientIssue> = {};
  for (const field of fields) {
    const value = values[field.key];
    if (isEmpty(value)) {
      if (field.required) issues[field.key] = "required";
    } else if (field.kind === "number" && typeof value !== "number") {
      issues[field.key] = "number";
    }
  }
  return issues;
}

/** The `fields` object to send: only the form's keys that hold a value. */
export function toApiFields(fields: FormFieldDef[], values: FieldValues): FieldValues {
  const out: FieldValues = {};
  for (const field of fields) {
    const value = values[field.key];
    if (!isEmpty(value)) out[field.key] = value;
  }
  return out;
}

// ---------------------------------------------------------------- date and time in a time zone
function zoneParts(date: Date, timeZone: string | undefined) {
  let f: Intl.DateTimeFormat;
  try {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch {
    f = new Intl.DateTimeFormat("en-US", {
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(date)) parts[p.type] = p.value;
  return parts;
}

/** Minutes the zone is ahead of UTC at that instant. */
function offsetMinutes(date: Date, timeZone: string | undefined): number {
  const p = zoneParts(date, timeZone);
  const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour! % 24, +p.minute!, +p.second!);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

const pad = (n: number) => String(Math.abs(n)).padStart(2, "0");

/** "2026-05-01T10:30" read as a wall time in `timeZone` → "2026-05-01T10:30:00+03:00". */
export function zonedInputToIso(local: string, timeZone: string | undefined): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return undefined;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  let offset = offsetMinutes(new Date(wall), timeZone);
  offset = offsetMinutes(new Date(wall - offset * 60000), timeZone); // settle across a DST change
  const sign = offset < 0 ? "-" : "+";
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** An ISO instant → the "YYYY-MM-DDTHH:mm" a datetime-local input shows, in `timeZone`. */
export function isoToZonedInput(iso: unknown, timeZone: string | undefined): string {
  if (typeof iso !== "string" || !iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const p = zoneParts(date, timeZone);
  return `${p.year}-${p.month}-${p.day}T${pad(+p.hour! % 24)}:${p.minute}`;
}
