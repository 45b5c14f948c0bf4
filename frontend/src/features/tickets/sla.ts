/**
 * The ticket's SLA as the API reports it (`sla` on the list and detail payloads, tenant_apps/sla):
 * the state of each target is the API's; the client only counts the time down between two answers.
 */
import type { TFunction } from "i18next";
import { useEffect, useState } from "react";
import type { Schemas } from "@/api/client";

export type SlaState = Schemas["SlaClockStateEnum"];
export type SlaTarget = Schemas["SlaClock"];
export type TicketSla = Schemas["TicketSla"];

/** The `sla` of a ticket payload, list row or detail (null: no policy applies). */
export function slaOf(ticket: { sla?: TicketSla | null } | null | undefined): TicketSla | null {
  return ticket?.sla ?? null;
}

/**
 * Seconds left on a target now (negative: late): counted down from `due_at` while it runs (wall
 * clock to the deadline); while the clock is stopped (`paused`), the API's `remaining_seconds`
 * (working time left when it stopped); null once met or when unknown.
 */
export function secondsLeft(target: SlaTarget, now: number, paused = false): number | null {
  if (target.met_at) return null;
  if (paused || target.state === "paused") return target.remaining_seconds;
  if (target.due_at) {
    const due = Date.parse(target.due_at);
    if (!Number.isNaN(due)) return Math.round((due - now) / 1000);
  }
  return target.remaining_seconds;
}

/** The earliest due time of the targets still running (what `ordering=sla_due` sorts by), or null. */
export function nextDue(sla: TicketSla): string | null {
  if (sla.paused) return null;
  const due = [sla.response, sla.resolution]
    .filter((x): x is SlaTarget => x != null && !x.met_at && x.state !== "paused" && Boolean(x.due_at))
    .map((x) => x.due_at!)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return due[0] ?? null;
}

/** "3 d 4 h", "2 h 05 min", "45 min" (absolute value; rounded to the minute, at least 1 min). */
export function formatDuration(t: TFunction, seconds: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(seconds) / 60));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h ? t("sla.duration.dh", { d, h }) : t("sla.duration.d", { d });
  if (h > 0) return m ? t("sla.duration.hm", { h, m: String(m).padStart(2, "0") }) : t("sla.duration.h", { h });
  return t("sla.duration.m", { m });
}

/** The current time, refreshed every `everyMs` (the countdowns re-render with it). */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
