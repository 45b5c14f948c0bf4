import { useTranslation } from "react-i18next";
import { formatDuration, nextDue, type SlaState, slaOf, useNow } from "@/features/tickets/sla";
import { useDateFormat } from "@/shared/format/datetime";
import type { TicketRow } from "./api";

/** The row's state: the worst the API reports for its targets (it decides them, not us; a target met late stays breached, as `sla_state=breached` lists it). */
function rowState(sla: NonNullable<ReturnType<typeof slaOf>>): SlaState {
  const states = [sla.response, sla.resolution].filter((x) => x != null).map((x) => x!.state);
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
  const next = nextDue(sla); // the earliest due of the running targets: what `sla_due` sorts by
  if (!next) {
    const text = sla.paused && state !== "paused" ? t("sla.whilePaused", { state: stateText }) : stateText;
    return <span className={`queues-sla queues-sla--${state}`}>{text}</span>;
  }
  const left = Math.round((Date.parse(next) - now) / 1000);
  return (
    <span className={`queues-sla queues-sla--${state}`} title={t("sla.title", { state: stateText, due: fmt.dateTime(next) })}>
      <span className="a-visually-hidden">{stateText}: </span>
      {left < 0 ? t("sla.overdue", { time: formatDuration(t, left) }) : formatDuration(t, left)}
    </span>
  );
}
