/** The New ticket form's draft, kept in sessionStorage so a reload does not lose it. */
import type { FieldValues } from "@/features/forms";

export interface Draft {
  type: string; // the type's code
  title: string;
  description: string;
  priority: number | null; // null: the type's default
  requester: number | null;
  company: number | null;
  location: number | null;
  equipment: number | null;
  plannedStart: string | null; // ISO
  plannedFinish: string | null;
  fields: FieldValues;
}

export const emptyDraft: Draft = {
  type: "",
  title: "",
  description: "",
  priority: null,
  requester: null,
  company: null,
  location: null,
  equipment: null,
  plannedStart: null,
  plannedFinish: null,
  fields: {},
};

export function draftKey(userId: number | string): string {
  return `atrium:new-ticket:${userId}`;
}

export function loadDraft(key: string): Draft {
  try {
    const raw = sessionStorage.getItem(key);
    if (!raw) return emptyDraft;
    const parsed = JSON.parse(raw) as Partial<Draft>;
    return { ...emptyDraft, ...parsed, fields: parsed.fields && typeof parsed.fields === "object" ? parsed.fields : {} };
  } catch {
    return emptyDraft;
  }
}

export function saveDraft(key: string, draft: Draft): void {
  try {
    if (JSON.stringify(draft) === JSON.stringify(emptyDraft)) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(draft));
  } catch {
    // storage full or disabled: the form still works, without a draft
  }
}

export function clearDraft(key: string): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // ignore
  }
}
