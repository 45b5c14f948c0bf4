/**
 * /portal/requests/:id: the request, its public conversation (the API never sends internal notes
 * to requesters), a reply with files, and the requester's verdict on finished work: confirm,
 * return (a reason is required) and a 1–5 rating with a comment. Those buttons show only when the
 * API's `can_confirm` / `can_return` / `can_rate` say so; the status updates live. While the
 * workflow lets the requester move it to a cancelled status (the API's `transitions`), the request
 * can be withdrawn, with a reason when that transition asks for one.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { Link, useLocation, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { CustomFieldsForm } from "@/features/forms";
import { useDateFormat } from "@/shared/format/datetime";
import { useLive } from "@/shared/live";
import { Alert, Button, ErrorAlert, fieldErrors, Icon, PageLoading, usePageTitle } from "@/shared/ui";
import {
  addComment,
  type Attachment,
  confirmRequest,
  downloadUrl,
  getAttachments,
  getComments,
  getRequest,
  keys,
  type PortalTicket,
  rateRequest,
  returnRequest,
  uploadAttachment,
  withdrawRequest,
  useFileableTypesQuery,
} from "../api";
import { preparePhoto } from "../photos";
import { StatusBadge } from "./StatusBadge";

export default function RequestPage() {
  const { t } = useTranslation("portal");
  const id = Number(useParams().id);
  const queryClient = useQueryClient();
  const location = useLocation();
  const failedPhotos = (location.state as { failedPhotos?: string[] } | null)?.failedPhotos;
  const ticket = useQuery({ queryKey: keys.request(id), queryFn: () => getRequest(id), enabled: Number.isFinite(id) });
  const comments = useQuery({ queryKey: keys.comments(id), queryFn: () => getComments(id), enabled: Number.isFinite(id) });
  const attachments = useQuery({ queryKey: keys.attachments(id), queryFn: () => getAttachments(id), enabled: Number.isFinite(id) });
  usePageTitle(ticket.data ? `${ticket.data.key} ${ticket.data.title}` : t("request.title"));
  const refresh = () => void queryClient.invalidateQueries({ queryKey: keys.request(id) });
  useLive(Number.isFinite(id) ? { topic: "ticket", id } : null, { onEvent: refresh, onRefetch: refresh });

  if (ticket.isLoading) return <PageLoading />;
  if (ticket.error || !ticket.data) return <ErrorAlert error={ticket.error} />;
  const data = ticket.data;
  const files = (attachments.data ?? []).filter((a) => a.comment == null);

  return (
    <div className="portal-page" data-request-ready="">
      <p className="portal-back">
        <Link to="/requests">{t("request.back")}</Link>
      </p>
      <header className="portal-request__head">
        <span className="portal-row__key">{data.key}</span>
        <h1>{data.title}</h1>
        <p>
          <span className="a-visually-hidden">{t("request.status")} </span>
          <StatusBadge status={data.status} />
        </p>
      </header>
      {failedPhotos?.length ? <Alert tone="warning">{t("new.photoFailed", { names: failedPhotos.join(", ") })}</Alert> : null}
      <Verdict ticket={data} />
      <Withdraw ticket={data} />
      <section className="a-card portal-pad" aria-labelledby="pr-details">
        <h2 id="pr-details">{t("request.details")}</h2>
        <Details ticket={data} />
        {files.length > 0 && <Files files={files} />}
      </section>
      <Conversation ticketId={id} comments={comments.data ?? []} attachments={attachments.data ?? []} loading={comments.isLoading} error={comments.error} />
    </div>
  );
}

function Details({ ticket }: { ticket: PortalTicket }) {
  const { t } = useTranslation("portal");
  const fmt = useDateFormat();
  return (
    <>
      <dl className="portal-dl">
        <dt>{t("request.type")}</dt>
        <dd>{ticket.type.name}</dd>
        <dt>{t("request.created")}</dt>
        <dd>{fmt.dateTime(ticket.created_at)}</dd>
        {ticket.location && (
          <>
            <dt>{t("request.location")}</dt>
            <dd>{(ticket.location as { name?: string }).name}</dd>
          </>
        )}
        {ticket.requester && (
          <>
            <dt>{t("request.requester")}</dt>
            <dd>{ticket.requester.name}</dd>
          </>
        )}
      </dl>
      {ticket.description && <p className="portal-prewrap">{ticket.description}</p>}
      {ticket.fields && Object.keys(ticket.fields as object).length > 0 && (
        <FieldsOf ticket={ticket} />
      )}
    </>
  );
}

function FieldsOf({ ticket }: { ticket: PortalTicket }) {
  // the type's form gives the labels; the ticket's values are in the API's shape
  const types = useQuery(useFileableTypesQuery());
  const form = (types.data ?? []).find((x) => x.code === ticket.type.code)?.form_fields;
  if (!form) {
    return (
      <dl className="portal-dl">
        {Object.entries(ticket.fields as Record<string, unknown>).map(([key, value]) => (
          <div key={key} className="portal-dl__pair">
            <dt>{key}</dt>
            <dd>{Array.isArray(value) ? value.join(", ") : String(value)}</dd>
          </div>
        ))}
      </dl>
    );
  }
  return <CustomFieldsForm fields={form as never} values={ticket.fields as Record<string, unknown>} mode="view" idPrefix="pr-v" />;
}

function Files({ files }: { files: Attachment[] }) {
  const { t } = useTranslation("portal");
  return (
    <ul className="portal-files" aria-label={t("request.files")}>
      {files.map((file) => (
        <li key={file.id}>
          <a href={downloadUrl(file.id)} target="_blank" rel="noreferrer">
            {file.content_type.startsWith("image/") ? <img src={downloadUrl(file.id)} alt={file.name} loading="lazy" /> : <Icon name="paperclip" />}
            <span>{file.name}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Confirm, return with a reason, rate: only what the API's `can_*` flags offer. */
/** Withdrawing one's own request: offered only when the API lists a move to a cancelled status. */
function Withdraw({ ticket }: { ticket: PortalTicket }) {
  const { t } = useTranslation("portal");
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [checked, setChecked] = useState(false);
  const id = useId();
  type Move = { to: string; to_category?: string; comment_required?: boolean };
  const move = ((ticket.transitions ?? []) as unknown as Move[]).find((candidate) => candidate.to_category === "cancelled");
  const withdraw = useMutation({
    mutationFn: () => withdrawRequest(ticket.id, move!.to, reason.trim()),
    onSuccess: () => {
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: keys.request(ticket.id) });
      void queryClient.invalidateQueries({ queryKey: keys.comments(ticket.id) });
      void queryClient.invalidateQueries({ queryKey: ["portal", "requests"] });
    },
  });
  if (!move) return null;
  const needsReason = move.comment_required === true;
  const errors = [...(checked && needsReason && !reason.trim() ? [t("withdraw.reasonRequired")] : []), ...(fieldErrors(withdraw.error, "comment") ?? [])];
  if (!open) {
    return (
      <div className="portal-actions">
        <Button onClick={() => setOpen(true)}>{t("withdraw.open")}</Button>
      </div>
    );
  }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (needsReason && !reason.trim()) return;
    withdraw.mutate();
  };
  return (
    <form className="a-card portal-pad a-form" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("withdraw.title")}</h2>
      <p className="portal-muted">{t("withdraw.explain")}</p>
      <ErrorAlert error={withdraw.error} shownFields={["comment"]} />
      <div className={`a-field${errors.length ? " a-field--invalid" : ""}`}>
        <label className="a-field__label" htmlFor={id}>
          {needsReason ? t("withdraw.reason") : t("withdraw.reasonOptional")}
          {needsReason && (
            <span className="a-required" aria-hidden="true">
              {" *"}
            </span>
          )}
        </label>
        <textarea
          id={id}
          className="a-input"
          rows={3}
          value={reason}
          aria-required={needsReason || undefined}
          aria-invalid={errors.length ? true : undefined}
          aria-describedby={errors.length ? `${id}-error` : undefined}
          onChange={(e) => setReason(e.target.value)}
        />
        {errors.length > 0 && (
          <ul id={`${id}-error`} className="a-field__errors">
            {errors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
      </div>
      <div className="portal-actions">
        <Button type="submit" variant="danger" busy={withdraw.isPending}>
          {t("withdraw.submit")}
        </Button>
        <Button onClick={() => setOpen(false)}>{t("withdraw.keep")}</Button>
      </div>
    </form>
  );
}

function Verdict({ ticket }: { ticket: PortalTicket }) {
  const { t } = useTranslation("portal");
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const [returning, setReturning] = useState(false);
  const [reason, setReason] = useState("");
  const [reasonChecked, setReasonChecked] = useState(false);
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState("");
  const [scoreChecked, setScoreChecked] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const ids = { reason: useId(), rating: useId(), comment: useId() };
  const after = () => {
    void queryClient.invalidateQueries({ queryKey: keys.request(ticket.id) });
    void queryClient.invalidateQueries({ queryKey: keys.comments(ticket.id) });
    void queryClient.invalidateQueries({ queryKey: ["portal", "requests"] });
  };
  const confirm = useMutation({ mutationFn: () => confirmRequest(ticket.id), onSuccess: after });
  const giveBack = useMutation({
    mutationFn: () => returnRequest(ticket.id, reason.trim()),
    onSuccess: () => {
      setReturning(false);
      setReason("");
      setReasonChecked(false);
      after();
    },
  });
  const rate = useMutation({ mutationFn: () => rateRequest(ticket.id, score, comment.trim()), onSuccess: after });

  const reasonErrors = [
    ...(reasonChecked && !reason.trim() ? [t("verdict.reasonRequired")] : []),
    ...(fieldErrors(giveBack.error, "reason") ?? []),
  ];
  const scoreErrors = [...(scoreChecked && !score ? [t("verdict.scoreRequired")] : []), ...(fieldErrors(rate.error, "score") ?? [])];
  const canAct = ticket.can_confirm || ticket.can_return || ticket.can_rate;
  const state = ticket.confirmation?.state ?? null;
  if (!canAct && !state && !ticket.rating) return null;

  const submitReturn = (event: FormEvent) => {
    event.preventDefault();
    setReasonChecked(true);
    if (!reason.trim()) {
      reasonRef.current?.focus();
      return;
    }
    giveBack.mutate();
  };
  const submitRating = (event: FormEvent) => {
    event.preventDefault();
    setScoreChecked(true);
    if (!score) {
      document.getElementById(`${ids.rating}-1`)?.focus();
      return;
    }
    rate.mutate();
  };

  return (
    <section className="a-card portal-pad portal-verdict" aria-labelledby="pr-verdict">
      <h2 id="pr-verdict">{ticket.can_confirm ? t("verdict.question") : t("verdict.title")}</h2>
      {(state === "confirmed" || state === "auto_confirmed") && ticket.confirmation?.confirmed_at && (
        <p>{t(state === "confirmed" ? "verdict.confirmedAt" : "verdict.autoConfirmedAt", { at: fmt.dateTime(ticket.confirmation.confirmed_at) })}</p>
      )}
      {state === "returned" && ticket.confirmation?.returned_reason && <p>{t("verdict.returnedWith", { reason: ticket.confirmation.returned_reason })}</p>}
      {state === "awaiting" && ticket.confirmation?.due_at && (ticket.can_confirm || ticket.can_return) && (
        <p className="portal-muted">{t("verdict.dueAt", { at: fmt.dateTime(ticket.confirmation.due_at) })}</p>
      )}
      {ticket.rating && (
        <p>
          {t("verdict.ratedAs", { score: ticket.rating.score })}
          {ticket.rating.comment ? ` — ${ticket.rating.comment}` : ""}
        </p>
      )}
      {(ticket.can_confirm || ticket.can_return) && <p>{t("verdict.ask")}</p>}
      <ErrorAlert error={confirm.error} />
      <div className="portal-actions">
        {ticket.can_confirm && (
          <Button variant="primary" busy={confirm.isPending} onClick={() => confirm.mutate()}>
            {t("verdict.confirm")}
          </Button>
        )}
        {ticket.can_return && !returning && (
          <Button
            onClick={() => {
              setReturning(true);
              setTimeout(() => reasonRef.current?.focus(), 0);
            }}
          >
            {t("verdict.return")}
          </Button>
        )}
      </div>
      {ticket.can_return && returning && (
        <form className="a-form" onSubmit={submitReturn} noValidate aria-label={t("verdict.returnForm")}>
          <ErrorAlert error={giveBack.error} shownFields={["reason"]} />
          <div className={`a-field${reasonErrors.length ? " a-field--invalid" : ""}`}>
            <label className="a-field__label" htmlFor={ids.reason}>
              {t("verdict.reason")}
              <span className="a-required" aria-hidden="true">
                {" *"}
              </span>
            </label>
            <textarea
              ref={reasonRef}
              id={ids.reason}
              className="a-input"
              rows={3}
              aria-required
              value={reason}
              aria-invalid={reasonErrors.length ? true : undefined}
              aria-describedby={reasonErrors.length ? `${ids.reason}-error` : undefined}
              onChange={(e) => setReason(e.target.value)}
            />
            {reasonErrors.length > 0 && (
              <ul id={`${ids.reason}-error`} className="a-field__errors">
                {reasonErrors.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
          </div>
          <div className="portal-actions">
            <Button type="submit" variant="primary" busy={giveBack.isPending}>
              {t("verdict.sendReturn")}
            </Button>
            <Button type="button" variant="ghost" onClick={() => setReturning(false)}>
              {t("shared:actions.cancel")}
            </Button>
          </div>
        </form>
      )}
      {ticket.can_rate && (
        <form className="a-form" onSubmit={submitRating} noValidate aria-label={t("verdict.rateForm")}>
          <ErrorAlert error={rate.error} shownFields={["score", "comment"]} />
          <fieldset
            className={`portal-stars${scoreErrors.length ? " a-field--invalid" : ""}`}
            aria-invalid={scoreErrors.length ? true : undefined}
            aria-describedby={scoreErrors.length ? `${ids.rating}-error` : undefined}
          >
            <legend className="a-field__label">{t("verdict.rating")}</legend>
            <div className="portal-stars__options">
              {[1, 2, 3, 4, 5].map((value) => (
                <label key={value} className="portal-star" data-on={value <= score ? "" : undefined}>
                  <input
                    id={`${ids.rating}-${value}`}
                    type="radio"
                    name={ids.rating}
                    value={value}
                    checked={score === value}
                    onChange={() => setScore(value)}
                  />
                  <span aria-hidden="true">★</span>
                  <span className="a-visually-hidden">{t("verdict.stars", { count: value })}</span>
                </label>
              ))}
            </div>
            {scoreErrors.length > 0 && (
              <ul id={`${ids.rating}-error`} className="a-field__errors">
                {scoreErrors.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
          </fieldset>
          <div className="a-field">
            <label className="a-field__label" htmlFor={ids.comment}>
              {t("verdict.comment")}
            </label>
            <textarea id={ids.comment} className="a-input" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
          </div>
          <Button type="submit" busy={rate.isPending}>
            {t("verdict.sendRating")}
          </Button>
        </form>
      )}
    </section>
  );
}

function Conversation({
  ticketId,
  comments,
  attachments,
  loading,
  error,
}: {
  ticketId: number;
  comments: { id: number; body: string; created_at: string; author?: { name?: string } | null; attachments?: unknown[] }[];
  attachments: Attachment[];
  loading: boolean;
  error: unknown;
}) {
  const { t } = useTranslation("portal");
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const [body, setBody] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const [checked, setChecked] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const ids = { body: useId(), files: useId() };
  const send = useMutation({
    mutationFn: async () => {
      if (body.trim()) await addComment(ticketId, body.trim());
      for (const file of files) await uploadAttachment(ticketId, await preparePhoto(file));
    },
    onSuccess: () => {
      setBody("");
      setFiles([]);
      setChecked(false);
      if (fileInput.current) fileInput.current.value = "";
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: keys.comments(ticketId) });
      void queryClient.invalidateQueries({ queryKey: keys.attachments(ticketId) });
    },
  });
  const empty = !body.trim() && files.length === 0;
  const bodyErrors = [...(checked && empty ? [t("reply.empty")] : []), ...(fieldErrors(send.error, "body") ?? [])];
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (empty) return;
    send.mutate();
  };
  const byComment = new Map<number, Attachment[]>();
  for (const a of attachments) if (a.comment != null) byComment.set(a.comment, [...(byComment.get(a.comment) ?? []), a]);

  return (
    <section className="a-card portal-pad" aria-labelledby="pr-conversation">
      <h2 id="pr-conversation">{t("request.conversation")}</h2>
      {loading ? (
        <PageLoading />
      ) : error ? (
        <ErrorAlert error={error} />
      ) : comments.length === 0 ? (
        <p className="portal-muted">{t("request.noComments")}</p>
      ) : (
        <ol className="portal-comments">
          {comments.map((c) => (
            <li key={c.id} className="portal-comment">
              <div className="portal-comment__meta">
                <strong>{c.author?.name ?? t("request.someone")}</strong> · {fmt.dateTime(c.created_at)}
              </div>
              <div className="portal-prewrap">{c.body}</div>
              {byComment.get(c.id) && <Files files={byComment.get(c.id)!} />}
            </li>
          ))}
        </ol>
      )}
      <form className="a-form" onSubmit={onSubmit} noValidate aria-label={t("reply.form")}>
        <ErrorAlert error={send.error} shownFields={["body", "file"]} />
        <div className={`a-field${bodyErrors.length ? " a-field--invalid" : ""}`}>
          <label className="a-field__label" htmlFor={ids.body}>
            {t("reply.label")}
          </label>
          <textarea
            id={ids.body}
            className="a-input"
            rows={3}
            value={body}
            aria-invalid={bodyErrors.length ? true : undefined}
            aria-describedby={bodyErrors.length ? `${ids.body}-error` : undefined}
            onChange={(e) => setBody(e.target.value)}
          />
          {bodyErrors.length > 0 && (
            <ul id={`${ids.body}-error`} className="a-field__errors">
              {bodyErrors.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </div>
        <div className="a-field">
          <label className="a-field__label" htmlFor={ids.files}>
            {t("reply.files")}
          </label>
          <input ref={fileInput} id={ids.files} type="file" multiple onChange={(e) => setFiles([...(e.target.files ?? [])])} />
        </div>
        <Button type="submit" variant="primary" busy={send.isPending}>
          {t("reply.send")}
        </Button>
      </form>
    </section>
  );
}
