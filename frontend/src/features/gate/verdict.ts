/** What the gate screen shows for a verdict of POST /gate/check/ (the API decides; this only arranges it). */
import type { Schemas } from "@/api/client";

export type Verdict = Schemas["GateVerdict"];
export type ReasonCode = Verdict["reason"]["code"];
export type Tone = "valid" | "invalid" | "unknown";

export interface VerdictView {
  tone: Tone;
  /** i18n key of the headline in the "gate" namespace */
  headline: "verdict.valid" | "verdict.invalid" | "verdict.notFound";
  /** the API's own explanation, in the UI language */
  reason: string;
  reasonCode: ReasonCode;
  holder: string | null;
  company: string | null;
  premises: string | null;
  vehicle: string | null;
  document: string | null;
  shortCode: string | null;
  revokeReason: string | null;
  documents: string[];
  ticketKey: string | null;
  ticketTitle: string | null;
  /** the ticket whose checklist the guard ticks (a goods move-in typed at the gate) */
  checklistTicketId: number | null;
  /** the items the guard ticks at the gate: ticks not done yet, then the rest */
  checklist: Verdict["checklist"];
  window: Verdict["window"];
}

export function toneOf(verdict: Pick<Verdict, "valid" | "reason">): Tone {
  if (verdict.valid) return "valid";
  return verdict.reason.code === "not_found" ? "unknown" : "invalid";
}

export function verdictView(v: Verdict): VerdictView {
  const tone = toneOf(v);
  const p = v.pass;
  return {
    tone,
    headline: tone === "valid" ? "verdict.valid" : tone === "unknown" ? "verdict.notFound" : "verdict.invalid",
    reason: v.reason.message,
    reasonCode: v.reason.code,
    holder: p?.holder_name || null,
    company: p?.company?.name ?? null,
    premises: p?.premises?.name ?? null,
    vehicle: p?.vehicle_plate || null,
    document: p?.document || null,
    shortCode: p?.short_code || null,
    revokeReason: p?.revoke_reason || null,
    documents: v.required_documents,
    ticketKey: v.linked_ticket?.key ?? v.ticket?.key ?? null,
    ticketTitle: v.linked_ticket?.title ?? v.ticket?.title ?? null,
    checklistTicketId: v.checklist.length > 0 ? (v.checklist_ticket ?? null) : null,
    checklist: [...v.checklist].sort((a, b) => Number(a.done) - Number(b.done)),
    window: v.window,
  };
}

/** Both ends at local midnight (the API answers in the account's zone, with its offset). */
export function wholeDays(startsAt: string, endsAt: string): boolean {
  return [startsAt, endsAt].every((iso) => /T00:00(:00(\.0+)?)?([+-]\d\d:\d\d|Z)$/.test(iso));
}
