/**
 * A request being filed, kept in localStorage per person and type: it survives a lost connection,
 * a reload and a closed tab, and is cleared once the request is filed. Photos are not kept (a
 * File cannot be stored); the form says so.
 */
import type { FieldValues } from "@/features/forms";

export interface RequestDraft {
  title: string;
  description: string;
  location: number | null;
  fields: FieldValues;
  savedAt?: number;
}

export const emptyRequestDraft: RequestDraft = { title: "", description: "", location: null, fields: {} };

export function requestDraftKey(userId: number | string, typeKey: string): string {
  return `atrium:portal:draft:${userId}:${typeKey}`;
}

function isBlank(draft: RequestDraft): boolean {
  return (
    !draft.title.trim() &&
    !draft.description.trim() &&
    Object.values(draft.fields).every((v) => v == null || v === "" || (Array.isArray(v) && v.length === 0))
  );
}

export function loadRequestDraft(key: string, storage: Storage | undefined = globalThis.localStorage): RequestDraft | null {
  try {
    const raw = storage?.getItem(key);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<RequestDraft>;
    if (!parsed || typeof parsed !== "object") return null;
    return {
      title: typeof parsed.title === "string" ? parsed.title : "",
      description: typeof parsed.description === "string" ? parsed.description : "",
      location: typeof parsed.location === "number" ? parsed.location : null,
      fields: parsed.fields && typeof parsed.fields === "object" && !Array.isArray(parsed.fields) ? parsed.fields : {},
      ...(typeof parsed.savedAt === "number" ? { savedAt: parsed.savedAt } : {}),
    };
  } catch {
    return null;
  }
}

/** Saves the draft; a draft with nothing typed in it is removed rather than kept. */
export function saveRequestDraft(key: string, draft: RequestDraft, storage: Storage | undefined = globalThis.localStorage, now = Date.now()): void {
  try {
    if (isBlank(draft)) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify({ ...draft, savedAt: now }));
  } catch {
    // storage full or disabled: the form still works, without a draft
  }
}

export function clearRequestDraft(key: string, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.removeItem(key);
  } catch {
    // ignore
  }
}
