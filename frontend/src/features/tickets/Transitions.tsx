import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type RefObject, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "@/api/client";
import { Button, ErrorAlert, fieldErrors } from "@/shared/ui";
import { type AvailableTransition, getTicketType, keys, type Ticket, transition, transitionsOf } from "./api";
import { CustomFieldsForm, type FieldValues } from "@/features/forms";

/**
 * The ticket's `transitions` (what this person may do now) as buttons. One that needs a comment or
 * fields opens a small form under the buttons; the API's refusal shows next to it.
 */
export function Transitions({ ticket, containerRef }: { ticket: Ticket; containerRef: RefObject<HTMLDivElement | null> }) {
  const { t } = useTranslation("tickets");
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<AvailableTransition | null>(null);
  const run = useMutation({
    mutationFn: (body: { to: string; comment: string; fields?: Record<string, unknown> }) => transition(ticket.id, body),
    onSuccess: (fresh) => {
      queryClient.setQueryData(keys.ticket(ticket.id), fresh);
      void queryClient.invalidateQueries({ queryKey: keys.ticket(ticket.id) });
      setOpen(null);
    },
  });
  const available = transitionsOf(ticket);
  const choose = (tr: AvailableTransition) => {
    run.reset();
    if (tr.comment_required || tr.required_fields.length) setOpen(tr);
    else {
      setOpen(null);
      run.mutate({ to: tr.to, comment: "" });
    }
  };
  return (
    <div className="tk-transitions">
      <div className="tk-transitions__buttons" ref={containerRef} role="group" aria-label={t("transitions.label")}>
        {available.length === 0 && <span className="tk-muted">{t("transitions.none")}</span>}
        {available.map((tr) => (
          <Button
            key={`${tr.to}:${tr.name}`}
            size="sm"
            variant={open === tr ? "primary" : "secondary"}
            aria-expanded={tr.comment_required || tr.required_fields.length ? open === tr : undefined}
            busy={run.isPending && run.variables?.to === tr.to && !open}
            onClick={() => choose(tr)}
          >
            {tr.name || tr.to_name}
          </Button>
        ))}
      </div>
      {!open && <ErrorAlert error={run.error} />}
      {open && (
        <TransitionForm
          key={`${open.to}:${open.name}`}
          ticket={ticket}
          tr={open}
          busy={run.isPending}
          error={run.error}
          onSubmit={(comment, fields) => run.mutate({ to: open.to, comment, ...(fields ? { fields } : {}) })}
          onCancel={() => {
            setOpen(null);
            run.reset();
          }}
        />
      )}
    </div>
  );
}

function TransitionForm({
  ticket,
  tr,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  ticket: Ticket;
  tr: AvailableTransition;
  busy: boolean;
  error: unknown;
  onSubmit: (comment: string, fields: Record<string, unknown> | undefined) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation("tickets");
  const id = useId();
  const [comment, setComment] = useState("");
  const current = (ticket.fields ?? {}) as FieldValues;
  const [values, setValues] = useState<FieldValues>({});
  const type = useQuery({ queryKey: ["ticket-type", ticket.type.id], queryFn: () => getTicketType(ticket.type.id), staleTime: 300_000 });
  const formFields = (type.data?.form_fields ?? []).filter((f) => tr.required_fields.includes(f.key));
  const commentErrors = fieldErrors(error, "comment");
  const shown = ["comment", ...formFields.map((f) => `fields.${f.key}`)];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(comment, formFields.length ? values : undefined);
  };
  return (
    <form className="tk-transition-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <p id={`${id}-title`} className="tk-transition-form__title">
        {t("transitions.formTitle", { name: tr.name || tr.to_name, status: tr.to_name })}
      </p>
      {isApiError(error) && <ErrorAlert error={error} shownFields={shown} />}
      <div className={commentErrors ? "a-field a-field--invalid" : "a-field"}>
        <label className="a-field__label" htmlFor={`${id}-comment`}>
          {tr.comment_required ? t("transitions.commentRequired") : t("transitions.comment")}
        </label>
        <textarea
          id={`${id}-comment`}
          className="a-input tk-textarea"
          rows={3}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          aria-invalid={commentErrors ? true : undefined}
          aria-describedby={`${id}-hint${commentErrors ? ` ${id}-err` : ""}`}
          autoFocus
        />
        <div id={`${id}-hint`} className="a-field__hint">
          {t("transitions.commentPublic")}
        </div>
        {commentErrors && (
          <ul id={`${id}-err`} className="a-field__errors">
            {commentErrors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
      </div>
      <CustomFieldsForm
        fields={formFields}
        values={{ ...current, ...values }}
        onChange={(next) => setValues(Object.fromEntries(formFields.map((f) => [f.key, next[f.key]])))}
        error={error}
        idPrefix={`${id}-tr`}
      />
      <div className="a-form__actions">
        <Button type="submit" variant="primary" size="sm" busy={busy}>
          {t("transitions.submit", { name: tr.name || tr.to_name })}
        </Button>
        <Button size="sm" onClick={onCancel}>
          {t("shared:actions.cancel")}
        </Button>
      </div>
    </form>
  );
}
