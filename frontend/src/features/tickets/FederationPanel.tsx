import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { isApiError } from "@/api/client";
import { useDateFormat } from "@/shared/format/datetime";
import { ErrorAlert } from "@/shared/ui";
import { getFederation, keys } from "./api";

/** A forwarded (or received) ticket's partner links: partner, their ticket, its status, parked messages. */
export function FederationPanel({ ticketId }: { ticketId: number }) {
  const { t } = useTranslation("tickets");
  const fmt = useDateFormat();
  const links = useQuery({ queryKey: keys.part(ticketId, "federation"), queryFn: () => getFederation(ticketId), retry: false });
  // 404: this person may not see links; nothing to show then
  if (links.isPending || (isApiError(links.error) && links.error.status === 404)) return null;
  const list = links.data ?? [];
  if (list.length === 0 && !links.error) return null;
  return (
    <section className="a-card tk-panel" aria-labelledby="tk-fed-title">
      <h2 id="tk-fed-title">{t("federation.title")}</h2>
      <ErrorAlert error={links.error} />
      {list.map((link) => {
        const parked = link.messages.filter((m) => m.parked_at);
        return (
          <div key={link.id} className="tk-link">
            <dl className="tk-facts">
              <dt>{t("federation.partner")}</dt>
              <dd>
                {link.partner} <span className="tk-muted">({t(`federation.role.${link.role}`)})</span>
              </dd>
              <dt>{t("federation.theirTicket")}</dt>
              <dd>{link.remote_ref || "—"}</dd>
              <dt>{t("federation.theirStatus")}</dt>
              <dd>{link.remote_status || "—"}</dd>
              {link.remote_assignee && (
                <>
                  <dt>{t("federation.theirAssignee")}</dt>
                  <dd>{link.remote_assignee}</dd>
                </>
              )}
              <dt>{t("federation.state")}</dt>
              <dd>
                <span className={`tk-linkstate tk-linkstate--${link.state}`}>{t(`federation.states.${link.state}`)}</span>
                {link.reason ? ` — ${link.reason}` : ""}
              </dd>
            </dl>
            {parked.length > 0 && (
              <div className="tk-parked" role="note">
                <h3 className="tk-subtitle">{t("federation.parked", { count: parked.length })}</h3>
                <ul>
                  {parked.map((m) => (
                    <li key={`${m.direction}${m.id}`}>
                      {t(`federation.direction.${m.direction}`)} · {m.kind} · {fmt.dateTime(m.parked_at)}
                      {m.error ? ` — ${m.error}` : ""}
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        );
      })}
    </section>
  );
}
