import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "@/api/client";
import { useDateFormat } from "@/shared/format/datetime";
import { ErrorAlert, Spinner } from "@/shared/ui";
import { getEvents, getTicketType, keys, type Ticket } from "./api";
import { describeEvent, shownInHistory } from "./history";

/** The ticket's history from the event log, newest first. */
export function History({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation("tickets");
  const fmt = useDateFormat();
  const events = useQuery({ queryKey: keys.part(ticket.id, "events"), queryFn: () => getEvents(ticket.id) });
  const type = useQuery({ queryKey: ["ticket-type", ticket.type.id], queryFn: () => getTicketType(ticket.type.id), staleTime: 300_000 });
  const workflowId = type.data?.workflow;
  const workflow = useQuery({
    queryKey: ["workflow", workflowId],
    queryFn: () => unwrap(api.GET("/api/v1/workflows/{id}/", { params: { path: { id: workflowId! } } })),
    enabled: typeof workflowId === "number",
    staleTime: 300_000,
    retry: false,
  });
  const names = new Map((workflow.data?.statuses ?? []).map((s) => [s.key, s.name]));
  const list = [...(events.data ?? [])].filter(shownInHistory).reverse();
  return (
    <section className="a-card tk-history" aria-labelledby="tk-history-title">
      <h2 id="tk-history-title">{t("history.title")}</h2>
      {events.isPending && <Spinner />}
      <ErrorAlert error={events.error} />
      <ol className="tk-events">
        {list.map((event) => {
          const line = describeEvent(t, event, { statusName: (key) => names.get(key), dateTime: fmt.dateTime });
          return (
            <li key={event.id} className={event.public === false ? "tk-event tk-event--internal" : "tk-event"}>
              <div className="tk-event__line">
                <span className="tk-event__text">{line.text}</span>
                {event.public === false && <span className="tk-tag tk-tag--internal">{t("history.internal")}</span>}
              </div>
              {line.details.map((d, i) => (
                <p key={i} className="tk-event__detail">
                  {d}
                </p>
              ))}
              <div className="tk-event__meta">
                {event.actor_name || t("history.system")} · <time dateTime={event.at}>{fmt.dateTime(event.at)}</time>
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
