/**
 * Editing a ticket type's form as a document (the API's `form_fields`, in order). Pure functions:
 * the builder keeps a list of drafts (each with a stable client id for dragging) and sends
 * `toFormFields(drafts)` in the type's PUT. The API validates (unique keys, choices for choice
 * kinds, labels); these only keep the document well-formed while typing.
 */
import type { FieldKind } from "@/features/forms";
import type { FormField, TicketType } from "../api";

export interface FieldDraft {
  uid: string; // client-only, stable while the field is edited and dragged
  key: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  choices: string[];
  help_text: string;
  min_value: string; // as typed; "" = none
  max_value: string;
  max_length: string;
  keyTouched: boolean; // the admin typed the key: stop deriving it from the label
}

let counter = 0;
function uid(): string {
  counter += 1;
  return `f${counter}`;
}

export const CHOICE_KINDS: readonly FieldKind[] = ["choice", "multi_choice"];
export const TEXT_KINDS: readonly FieldKind[] = ["text", "long_text"];

/** "Фото витрины" / "Photo of the shop" → "photo_of_the_shop" (a slug the API accepts), unique among `taken`. */
export function keyFromLabel(label: string, taken: Iterable<string>): string {
  const translit: Record<string, string> = {
    а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "i", к: "k", л: "l", м: "m", н: "n",
    о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "h", ц: "ts", ч: "ch", ш: "sh", щ: "sch", ъ: "", ы: "y", ь: "",
    э: "e", ю: "yu", я: "ya",
  };
  const base =
    [...label.toLowerCase()]
      .map((c) => translit[c] ?? c)
      .join("")
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 40) || "field";
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}_${n}`)) return `${base}_${n}`;
}

export function fromFormFields(fields: readonly FormField[] | undefined): FieldDraft[] {
  return (fields ?? []).map((f) => ({
    uid: uid(),
    key: f.key,
    label: f.label,
    kind: f.kind,
    required: !!f.required,
    choices: Array.isArray(f.choices) ? f.choices.map(String) : [],
    help_text: f.help_text ?? "",
    min_value: f.min_value ?? "",
    max_value: f.max_value ?? "",
    max_length: f.max_length != null ? String(f.max_length) : "",
    keyTouched: true,
  }));
}

export function addField(doc: FieldDraft[], kind: FieldKind, label = ""): FieldDraft[] {
  const key = keyFromLabel(label || kind, doc.map((f) => f.key));
  return [
    ...doc,
    {
      uid: uid(),
      key,
      label,
      kind,
      required: false,
      choices: CHOICE_KINDS.includes(kind) ? [""] : [],
      help_text: "",
      min_value: "",
      max_value: "",
      max_length: "",
      keyTouched: false,
    },
  ];
}

/** Change one field; a label change re-derives the key until the admin edits the key itself. */
export function updateField(doc: FieldDraft[], uidToChange: string, patch: Partial<Omit<FieldDraft, "uid">>): FieldDraft[] {
  return doc.map((f) => {
    if (f.uid !== uidToChange) return f;
    const next = { ...f, ...patch };
    if ("key" in patch) next.keyTouched = true;
    else if ("label" in patch && !f.keyTouched)
      next.key = keyFromLabel(patch.label ?? "", doc.filter((o) => o.uid !== f.uid).map((o) => o.key));
    if ("kind" in patch && CHOICE_KINDS.includes(next.kind) && next.choices.length === 0) next.choices = [""];
    return next;
  });
}

export function removeField(doc: FieldDraft[], uidToRemove: string): FieldDraft[] {
  return doc.filter((f) => f.uid !== uidToRemove);
}

/** Move the field `uid` to where `overUid` is (what a drop or a keyboard move does). */
export function moveField(doc: FieldDraft[], fromUid: string, overUid: string): FieldDraft[] {
  const from = doc.findIndex((f) => f.uid === fromUid);
  const to = doc.findIndex((f) => f.uid === overUid);
  if (from < 0 || to < 0 || from === to) return doc;
  const next = [...doc];
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved!);
  return next;
}

/** One step up (-1) or down (+1): the buttons beside each field. */
export function stepField(doc: FieldDraft[], uidToMove: string, delta: -1 | 1): FieldDraft[] {
  const i = doc.findIndex((f) => f.uid === uidToMove);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= doc.length) return doc;
  return moveField(doc, uidToMove, doc[j]!.uid);
}

function numberOrNull(text: string): string | null {
  const t = text.trim();
  return t === "" ? null : t;
}

/** The API's `form_fields` for the drafts, in their order; only the options a kind uses. */
export function toFormFields(doc: FieldDraft[]): FormField[] {
  return doc.map((f) => {
    const out: FormField = { key: f.key.trim(), label: f.label.trim(), kind: f.kind, required: f.required, help_text: f.help_text.trim() };
    out.choices = CHOICE_KINDS.includes(f.kind) ? f.choices.map((c) => c.trim()).filter(Boolean) : [];
    if (f.kind === "number") {
      out.min_value = numberOrNull(f.min_value);
      out.max_value = numberOrNull(f.max_value);
    } else {
      out.min_value = null;
      out.max_value = null;
    }
    const length = f.max_length.trim();
    out.max_length = TEXT_KINDS.includes(f.kind) && length !== "" && /^\d+$/.test(length) ? Number(length) : null;
    return out;
  });
}

/** A copy of a type to POST: same form and settings, a free code and prefix, inactive until reviewed. */
/** A copy of `type` under `name` (translated by the caller, e.g. "Leak (copy)"), archived. */
export function copyOfType(type: TicketType, all: readonly TicketType[], name: string) {
  const codes = new Set(all.map((t) => t.code));
  const prefixes = new Set(all.map((t) => t.prefix));
  let n = 1;
  let code = `${type.code}-copy`;
  while (codes.has(code)) code = `${type.code}-copy-${++n}`;
  let prefix = `${type.prefix.slice(0, 8)}2`;
  for (let m = 2; prefixes.has(prefix); m++) prefix = `${type.prefix.slice(0, 10 - String(m).length)}${m}`;
  const { id: _id, ...rest } = type;
  return { ...rest, name, code, prefix, is_active: false, form_fields: (type.form_fields ?? []).map((f) => ({ ...f })) };
}
