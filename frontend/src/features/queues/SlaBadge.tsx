import { useTranslation } from "react-i18next";
import { formatDuration, type SlaState, slaOf, useNow } from "@/features/tickets/sla";
import { useDateFormat } from "@/shared/format/datetime";
import type { TicketRow } from "./api";

/** The row's state: the worst the API reports for a target still open (it decides them, not us). */
function rowState(sla: NonNullable<ReturnType<typeof slaOf>>): SlaState {
  const states = [sla.response, sla.resolution].filter((x) => x != null && x.state !== "met").map((x) => x!.state);
  for (const s of ["breached", "warning", "paused", "running"] as const) if (states.includes(s)) return s;
  return sla.paused ? "paused" : "met";
}

/** The queue's SLA cell: time to the next due (or how long overdue), the API's state in words for screen readers and on hover. */
export function SlaBadge({ row }: { row: TicketRow }) {
  const { t } = useTranslation("queues");
  const fmt = useDateFormat();
  const now = useNow(30_000);
  const sla = slaOf(row);
  if (!sla) return <span className="queues-muted">—</span>;
  const state = rowState(sla);
  const stateText = t(`sla.state.${state}`, { defaultValue: state });
  const due = sla.next_due_at ? Date.parse(sla.next_due_at) : NaN;
  if (Number.isNaN(due) || state === "met") return <span className={`queues-sla queues-sla--${state}`}>{stateText}</span>;
  const left = Math.round((due - now) / 1000);
  const text = state === "paused" ? stateText : left < 0 ? t("sla.overdue", { time: formatDuration(t, left) }) : formatDuration(t, left);
  return (
    <span className={`queues-sla queues-sla--${state}`} title={t("sla.title", { state: stateText, due: fmt.dateTime(sla.next_due_at) })}>
      {state !== "paused" && <span className="a-visually-hidden">{stateText}: </span>}
      {text}
    </span>
  );
}
