import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { Button, ErrorAlert, fieldErrors } from "@/shared/ui";
import { type Approvals, type Decision, decide, getApprovals, keys, resubmit } from "./api";

const DECISIONS: Decision[] = ["approved", "approved_with_remarks", "needs_rework", "rejected"];

type Named = { name?: string } | null;

/** Approval rounds, who decided what with remarks; decide or resubmit when the API allows it. */
export function ApprovalPanel({ ticketId }: { ticketId: number }) {
  const { t } = useTranslation("tickets");
  const fmt = useDateFormat();
  const approvals = useQuery({ queryKey: keys.part(ticketId, "approvals"), queryFn: () => getApprovals(ticketId) });
  const data = approvals.data;
  if (approvals.isPending || (!approvals.error && (!data || (data.rounds.length === 0 && !data.can_decide && !data.can_resubmit)))) return null;
  return (
    <section className="a-card tk-panel" aria-labelledby="tk-approvals-title">
      <h2 id="tk-approvals-title">{t("approvals.title")}</h2>
      <ErrorAlert error={approvals.error} />
      {data?.rounds.map((round) => (
        <div key={round.id} className="tk-round">
          <h3 className="tk-subtitle">
            {t("approvals.round", { number: round.number })}
            {round.policy ? ` · ${round.policy}` : ""}
            {" · "}
            <span className={round.outcome ? `tk-outcome tk-outcome--${round.outcome}` : "tk-outcome"}>
              {round.outcome ? t(`approvals.outcome.${round.outcome}`) : t("approvals.open")}
            </span>
          </h3>
          <ul className="tk-steps">
            {round.steps.map((step) => {
              const who = (step.approver as Named)?.name ?? (step.group as Named)?.name ?? "—";
              const by = (step.decided_by as Named)?.name;
              return (
                <li key={step.id} className="tk-step">
                  <span className="tk-step__who">{who}</span>
                  {step.decision ? (
                    <span className={`tk-outcome tk-outcome--${step.decision}`}>{t(`approvals.decision.${step.decision}`)}</span>
                  ) : (
                    <span className="tk-muted">
                      {t("approvals.waiting")}
                      {step.due_at ? ` · ${t("approvals.due", { when: fmt.dateTime(step.due_at) })}` : ""}
                    </span>
                  )}
                  {step.decided_at && (
                    <span className="tk-step__meta">
                      {by && by !== who ? t("approvals.decidedBy", { name: by, when: fmt.dateTime(step.decided_at) }) : fmt.dateTime(step.decided_at)}
                    </span>
                  )}
                  {step.comment && <p className="tk-step__comment">{step.comment}</p>}
                </li>
              );
            })}
          </ul>
        </div>
      ))}
      {data?.can_decide && <DecideForm ticketId={ticketId} />}
      {data?.can_resubmit && <ResubmitForm ticketId={ticketId} />}
    </section>
  );
}

function useApprovalMutation<T>(ticketId: number, fn: (body: T) => Promise<Approvals>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (fresh) => {
      queryClient.setQueryData(keys.part(ticketId, "approvals"), fresh);
      void queryClient.invalidateQueries({ queryKey: keys.ticket(ticketId) });
    },
  });
}

function DecideForm({ ticketId }: { ticketId: number }) {
  const { t } = useTranslation("tickets");
  const id = useId();
  const [decision, setDecision] = useState<Decision>("approved");
  const [comment, setComment] = useState("");
  const run = useApprovalMutation(ticketId, (body: { decision: Decision; comment: string }) => decide(ticketId, body));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate({ decision, comment }, { onSuccess: () => setComment("") });
  };
  const commentErrors = fieldErrors(run.error, "comment");
  return (
    <form className="a-form tk-decide" onSubmit={submit} noValidate>
      <ErrorAlert error={run.error} shownFields={["comment", "decision"]} />
      <fieldset className="tk-decide__choices">
        <legend className="a-field__label">{t("approvals.yourDecision")}</legend>
        {DECISIONS.map((d) => (
          <label key={d} className="tk-radio">
            <input type="radio" name={`${id}-d`} value={d} checked={decision === d} onChange={() => setDecision(d)} />
            {t(`approvals.decision.${d}`)}
          </label>
        ))}
        {fieldErrors(run.error, "decision") && <ul className="a-field__errors">{fieldErrors(run.error, "decision")!.map((m) => <li key={m}>{m}</li>)}</ul>}
      </fieldset>
      <div className={commentErrors ? "a-field a-field--invalid" : "a-field"}>
        <label className="a-field__label" htmlFor={`${id}-c`}>
          {t("approvals.comment")}
        </label>
        <textarea id={`${id}-c`} className="a-input tk-textarea" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} aria-invalid={commentErrors ? true : undefined} />
        {commentErrors && <ul className="a-field__errors">{commentErrors.map((m) => <li key={m}>{m}</li>)}</ul>}
      </div>
      <div className="a-form__actions">
        <Button type="submit" variant="primary" size="sm" busy={run.isPending}>
          {t("approvals.submit")}
        </Button>
      </div>
    </form>
  );
}

function ResubmitForm({ ticketId }: { ticketId: number }) {
  const { t } = useTranslation("tickets");
  const id = useId();
  const [comment, setComment] = useState("");
  const run = useApprovalMutation(ticketId, (body: { comment: string }) => resubmit(ticketId, body));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate({ comment }, { onSuccess: () => setComment("") });
  };
  return (
    <form className="a-form tk-decide" onSubmit={submit} noValidate>
      <ErrorAlert error={run.error} shownFields={["comment"]} />
      <div className="a-field">
        <label className="a-field__label" htmlFor={`${id}-c`}>
          {t("approvals.resubmitComment")}
        </label>
        <textarea id={`${id}-c`} className="a-input tk-textarea" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
        {fieldErrors(run.error, "comment") && <ul className="a-field__errors">{fieldErrors(run.error, "comment")!.map((m) => <li key={m}>{m}</li>)}</ul>}
      </div>
      <div className="a-form__actions">
        <Button type="submit" size="sm" busy={run.isPending}>
          {t("approvals.resubmit")}
        </Button>
      </div>
    </form>
  );
}
