/**
 * /app/approvals: the approver's queue (GET /approvals/), one card per decision waiting for me.
 * The API lists the decisions with `comment_required`: a decision that needs none is one tap, the
 * others open a comment box first; whatever the API refuses (400 `fields.comment`) shows under it.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useDateFormat } from "@/shared/format/datetime";
import { Button, ErrorAlert, fieldErrors, PageLoading, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { type Decision, type DecisionOption, decide, getQueue, type QueueItem, queueKey } from "./api";
import "./approvals.css";

export default function ApprovalsPage() {
  const { t } = useTranslation("approvals");
  usePageTitle(t("title"));
  const queue = useQuery({ queryKey: queueKey, queryFn: getQueue, refetchInterval: 60_000 });
  const items = queue.data ?? [];
  return (
    <div className="a-page ap-page">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{t("subtitle")}</p>
        </div>
        {queue.data && <span className="ap-count">{t("count", { count: items.length })}</span>}
      </div>
      <ErrorAlert error={queue.error} />
      {queue.isPending ? (
        <PageLoading />
      ) : items.length === 0 && !queue.error ? (
        <div className="a-card a-empty" role="status">
          {t("empty")}
        </div>
      ) : (
        <ul className="ap-list" aria-label={t("listLabel")}>
          {items.map((item) => (
            <QueueCard key={item.id} item={item} />
          ))}
        </ul>
      )}
    </div>
  );
}

function QueueCard({ item }: { item: QueueItem }) {
  const { t } = useTranslation("approvals");
  const fmt = useDateFormat();
  const id = useId();
  const queryClient = useQueryClient();
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const [asking, setAsking] = useState<DecisionOption | null>(null);
  const [comment, setComment] = useState("");
  const run = useMutation({
    mutationFn: (body: { decision: Decision; comment: string }) => decide(item.ticket.id, body),
    onSuccess: (_fresh, body) => {
      const option = item.decisions.find((d) => d.decision === body.decision);
      const label = option ? decisionLabel(option) : body.decision;
      notify(t("decided", { key: item.ticket.key, decision: label }));
      queryClient.setQueryData<QueueItem[]>(queueKey, (old) => old?.filter((i) => i.id !== item.id));
      void queryClient.invalidateQueries({ queryKey: queueKey });
    },
  });
  const overdue = item.due_at ? new Date(item.due_at).getTime() < Date.now() : false;
  const choose = (option: DecisionOption) => {
    if (!option.comment_required) {
      run.mutate({ decision: option.decision, comment: asking ? comment : "" });
      return;
    }
    run.reset();
    setAsking(option);
    setTimeout(() => commentRef.current?.focus(), 0);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (asking) run.mutate({ decision: asking.decision, comment });
  };
  const commentErrors = fieldErrors(run.error, "comment");
  // the UI's own words for the API's decisions (its label is in the language the list was read in)
  const decisionLabel = (option: DecisionOption) => t(`decision.${option.decision}`, { defaultValue: option.label });
  const askingLabel = asking ? decisionLabel(asking) : "";
  const titleId = `${id}-title`;
  return (
    <li className="a-card ap-card" aria-labelledby={titleId}>
      <div className="ap-card__head">
        <h2 id={titleId} className="ap-card__title">
          <Link to={`/tickets/${item.ticket.id}`} className="ap-card__key">
            {item.ticket.key}
          </Link>{" "}
          {item.ticket.title}
        </h2>
        <p className="ap-card__meta">
          <span>{item.ticket.status_name}</span>
          {item.round > 1 && <span>{t("round", { number: item.round })}</span>}
          {item.group && <span>{t("viaGroup", { group: String((item.group as { name?: string }).name ?? "") })}</span>}
          {item.due_at && (
            <span className={overdue ? "ap-due ap-due--late" : "ap-due"}>
              {overdue ? t("overdue", { when: fmt.dateTime(item.due_at) }) : t("due", { when: fmt.dateTime(item.due_at) })}
            </span>
          )}
        </p>
      </div>
      {!asking && <ErrorAlert error={run.error} />}
      <div className="ap-actions" role="group" aria-label={t("decisionsFor", { key: item.ticket.key })}>
        {item.decisions.map((option) => (
          <Button
            key={option.decision}
            variant={option.decision === "approved" ? "primary" : option.decision === "rejected" ? "danger" : "secondary"}
            busy={run.isPending && run.variables?.decision === option.decision}
            disabled={run.isPending}
            aria-pressed={asking ? asking.decision === option.decision : undefined}
            aria-expanded={option.comment_required ? asking?.decision === option.decision : undefined}
            onClick={() => choose(option)}
          >
            {decisionLabel(option)}
          </Button>
        ))}
      </div>
      {asking && (
        <form className="a-form ap-comment" onSubmit={submit} noValidate aria-label={t("commentFor", { decision: askingLabel })}>
          <ErrorAlert error={run.error} shownFields={["comment", "decision"]} />
          <div className={commentErrors ? "a-field a-field--invalid" : "a-field"}>
            <label className="a-field__label" htmlFor={`${id}-comment`}>
              {t("comment", { decision: askingLabel })}
            </label>
            <textarea
              ref={commentRef}
              id={`${id}-comment`}
              className="a-input ap-textarea"
              rows={3}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              aria-invalid={commentErrors ? true : undefined}
              aria-describedby={commentErrors ? `${id}-errors` : undefined}
            />
            {commentErrors && (
              <ul id={`${id}-errors`} className="a-field__errors">
                {commentErrors.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
          </div>
          <div className="a-form__actions">
            <Button type="submit" variant="primary" busy={run.isPending}>
              {t("send", { decision: askingLabel })}
            </Button>
            <Button
              onClick={() => {
                setAsking(null);
                run.reset();
              }}
            >
              {t("shared:actions.cancel")}
            </Button>
          </div>
        </form>
      )}
    </li>
  );
}
