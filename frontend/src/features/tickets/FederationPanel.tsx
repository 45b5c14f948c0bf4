import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "@/api/client";
import { useDateFormat } from "@/shared/format/datetime";
import { Button, ErrorAlert, fieldErrors } from "@/shared/ui";
import { type ForwardTarget, forwardTicket, getFederation, getForwardTargets, keys } from "./api";

/**
 * A forwarded (or received) ticket's partner links: partner, their ticket, its status, parked
 * messages; and the forward control, offered only when the API names partners the ticket may be
 * forwarded to now (GET /tickets/{id}/forward/ — empty, or refused, means no control).
 */
export function FederationPanel({ ticketId }: { ticketId: number }) {
  const { t } = useTranslation("tickets");
  const fmt = useDateFormat();
  const links = useQuery({ queryKey: keys.part(ticketId, "federation"), queryFn: () => getFederation(ticketId), retry: false });
  const targets = useQuery({ queryKey: keys.part(ticketId, "forward"), queryFn: () => getForwardTargets(ticketId), retry: false });
  // 404: this person may not see links; nothing to show then
  if (links.isPending || targets.isPending || (isApiError(links.error) && links.error.status === 404)) return null;
  const list = links.data ?? [];
  // a refused or failed question about targets only hides the control
  const offered = targets.data ?? [];
  if (list.length === 0 && offered.length === 0 && !links.error) return null;
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
      {offered.length > 0 && <ForwardForm ticketId={ticketId} targets={offered} />}
    </section>
  );
}

function FieldErrors({ messages }: { messages: string[] | undefined }) {
  if (!messages) return null;
  return (
    <ul className="a-field__errors">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

/** Forward to a partner with a note; the API's refusal next to the field it concerns, else on top. */
function ForwardForm({ ticketId, targets }: { ticketId: number; targets: ForwardTarget[] }) {
  const { t } = useTranslation("tickets");
  const id = useId();
  const queryClient = useQueryClient();
  const first = targets[0]?.partnership ?? "";
  const [chosen, setChosen] = useState(first);
  const [note, setNote] = useState("");
  // the chosen partner may have left the list (forwarded there, partnership suspended)
  const partnership = targets.some((x) => x.partnership === chosen) ? chosen : first;
  const run = useMutation({
    mutationFn: () => forwardTicket(ticketId, { partnership, note }),
    onSuccess: (fresh) => {
      setNote("");
      queryClient.setQueryData(keys.part(ticketId, "federation"), fresh);
      void queryClient.invalidateQueries({ queryKey: keys.part(ticketId, "forward") });
      void queryClient.invalidateQueries({ queryKey: keys.part(ticketId, "events") });
      void queryClient.invalidateQueries({ queryKey: keys.ticket(ticketId), exact: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate();
  };
  const partnerErrors = fieldErrors(run.error, "partnership");
  const noteErrors = fieldErrors(run.error, "note");
  return (
    <form className="a-form tk-forward" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 className="tk-subtitle" id={`${id}-title`}>
        {t("federation.forward.title")}
      </h3>
      <ErrorAlert error={run.error} shownFields={["partnership", "note"]} />
      <div className={partnerErrors ? "a-field a-field--invalid" : "a-field"}>
        <label className="a-field__label" htmlFor={`${id}-p`}>
          {t("federation.forward.partner")}
        </label>
        <select
          id={`${id}-p`}
          className="a-input"
          value={partnership}
          onChange={(e) => setChosen(e.target.value)}
          aria-invalid={partnerErrors ? true : undefined}
        >
          {targets.map((x) => (
            <option key={x.partnership} value={x.partnership}>
              {x.partner}
            </option>
          ))}
        </select>
        <FieldErrors messages={partnerErrors} />
      </div>
      <div className={noteErrors ? "a-field a-field--invalid" : "a-field"}>
        <label className="a-field__label" htmlFor={`${id}-n`}>
          {t("federation.forward.note")}
        </label>
        <textarea
          id={`${id}-n`}
          className="a-input tk-textarea"
          rows={2}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          aria-invalid={noteErrors ? true : undefined}
        />
        <FieldErrors messages={noteErrors} />
      </div>
      <div className="a-form__actions">
        <Button type="submit" variant="primary" size="sm" busy={run.isPending}>
          {t("federation.forward.submit")}
        </Button>
      </div>
    </form>
  );
}
