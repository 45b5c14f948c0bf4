/**
 * /app/gate: the guard's screen (tablet and phone first). Scan a pass's QR code with the camera
 * (Scanner: BarcodeDetector or jsQR) or type a short code or a ticket number; POST /gate/check/
 * answers with the verdict, shown large with its reason, window, vehicle and required documents.
 * A goods move-in typed at the gate brings its checklist: tick "Goods brought in" with a comment
 * and a photo. Below: today's approved move-ins and works (GET /gate/today/), one tap to check.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useDateFormat } from "@/shared/format/datetime";
import { Button, ErrorAlert, fieldErrors, PageLoading, usePageTitle } from "@/shared/ui";
import { type ChecklistItem, checkCode, getToday, tickItem, type TodayItem, todayKey } from "./api";
import { Scanner } from "./Scanner";
import { type Verdict, type VerdictView, verdictView, wholeDays } from "./verdict";
import "./gate.css";

export default function GatePage() {
  const { t } = useTranslation("gate");
  usePageTitle(t("title"));
  const id = useId();
  const [scanning, setScanning] = useState(false);
  const [typed, setTyped] = useState("");
  const check = useMutation({ mutationFn: checkCode });
  const verdictRef = useRef<HTMLElement>(null);

  const run = (code: string) => {
    setScanning(false);
    check.mutate(code.trim());
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (typed.trim()) run(typed);
    else check.mutate(typed); // the API says what is missing
  };
  useEffect(() => {
    if (check.data) {
      performance.mark("gate:verdict");
      verdictRef.current?.focus({ preventScroll: false });
    }
  }, [check.data]);

  return (
    <div className="a-page gt-page">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{t("subtitle")}</p>
        </div>
      </div>
      <div className="gt-grid">
        <section className="a-card gt-card gt-check" aria-labelledby={`${id}-check`}>
          <h2 id={`${id}-check`} className="gt-card__title">
            {t("check.title")}
          </h2>
          {scanning ? (
            <>
              <Scanner onCode={run} />
              <Button onClick={() => setScanning(false)} block>
                {t("scan.stop")}
              </Button>
            </>
          ) : (
            <Button variant="primary" block className="gt-scan-button" onClick={() => setScanning(true)}>
              {check.data ? t("scan.next") : t("scan.start")}
            </Button>
          )}
          <form className="gt-type" onSubmit={submit} noValidate>
            <div className={fieldErrors(check.error, "code") ? "a-field a-field--invalid" : "a-field"}>
              <label className="a-field__label" htmlFor={`${id}-code`}>
                {t("check.code")}
              </label>
              <div className="gt-type__row">
                <input
                  id={`${id}-code`}
                  className="a-input gt-type__input"
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  autoCapitalize="characters"
                  autoComplete="off"
                  spellCheck={false}
                  aria-describedby={`${id}-code-help`}
                  aria-invalid={fieldErrors(check.error, "code") ? true : undefined}
                />
                <Button type="submit" variant="primary" busy={check.isPending}>
                  {t("check.submit")}
                </Button>
              </div>
              <p id={`${id}-code-help`} className="gt-help">
                {t("check.help")}
              </p>
              {fieldErrors(check.error, "code") && (
                <ul className="a-field__errors">
                  {fieldErrors(check.error, "code")!.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              )}
            </div>
          </form>
          <ErrorAlert error={check.error} shownFields={["code"]} />
        </section>

        <section ref={verdictRef} tabIndex={-1} className="gt-verdict-area" aria-labelledby={`${id}-verdict`} aria-live="polite">
          <h2 id={`${id}-verdict`} className="a-visually-hidden">
            {t("verdict.title")}
          </h2>
          {check.isPending ? <PageLoading /> : check.data ? <VerdictCard verdict={check.data} /> : <p className="a-card a-empty">{t("verdict.none")}</p>}
        </section>
      </div>
      <Today onCheck={run} />
    </div>
  );
}

function VerdictCard({ verdict }: { verdict: Verdict }) {
  const { t } = useTranslation("gate");
  const fmt = useDateFormat();
  const view = verdictView(verdict);
  const w = view.window;
  return (
    <div className={`a-card gt-verdict gt-verdict--${view.tone}`} data-verdict={view.tone} data-reason={view.reasonCode}>
      <div className="gt-verdict__banner">
        <span className="gt-verdict__mark" aria-hidden="true">
          {view.tone === "valid" ? "✓" : view.tone === "unknown" ? "?" : "✕"}
        </span>
        <div>
          <p className="gt-verdict__headline">{t(view.headline)}</p>
          <p className="gt-verdict__reason">{view.reason}</p>
          {view.revokeReason && <p className="gt-verdict__reason">{t("verdict.revokeReason", { reason: view.revokeReason })}</p>}
        </div>
      </div>
      <dl className="gt-facts">
        {view.holder && <Fact term={t("fact.holder")}>{view.holder}</Fact>}
        {view.document && <Fact term={t("fact.document")}>{view.document}</Fact>}
        {view.vehicle && <Fact term={t("fact.vehicle")}>{view.vehicle}</Fact>}
        {view.company && <Fact term={t("fact.company")}>{view.company}</Fact>}
        {view.premises && <Fact term={t("fact.premises")}>{view.premises}</Fact>}
        {w && (w.starts_at || w.ends_at) && (
          <Fact term={t("fact.window")}>
            {windowText(w, t, fmt)}
            {w.daily_from && w.daily_until && <span className="gt-facts__sub">{t("window.daily", { from: w.daily_from, until: w.daily_until })}</span>}
          </Fact>
        )}
        {view.shortCode && <Fact term={t("fact.shortCode")}>{view.shortCode}</Fact>}
        {view.ticketKey && (
          <Fact term={t("fact.ticket")}>
            {view.ticketKey} {view.ticketTitle}
          </Fact>
        )}
      </dl>
      {view.documents.length > 0 && (
        <div className="gt-documents">
          <h3 className="gt-subtitle">{t("documents")}</h3>
          <ul>
            {view.documents.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </div>
      )}
      {verdict.passes.length > 1 && (
        <div className="gt-passes">
          <h3 className="gt-subtitle">{t("passes", { count: verdict.passes.length })}</h3>
          <ul>
            {verdict.passes.map((p) => (
              <li key={p.id}>
                {p.holder_name}
                {p.vehicle_plate ? ` · ${p.vehicle_plate}` : ""} · {t(`reason.${p.reason}`)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {view.checklistTicketId != null && view.checklist.length > 0 && <GateChecklist ticketId={view.checklistTicketId} items={view.checklist} />}
    </div>
  );
}

type Fmt = ReturnType<typeof useDateFormat>;
type T = ReturnType<typeof useTranslation<"gate">>["t"];

/** The allowed time: whole days as dates (the end is exclusive: the last day is the one before it), else moments. */
function windowText(w: { starts_at: string | null; ends_at: string | null }, t: T, fmt: Fmt, short = false): string {
  const moment = short ? fmt.short : fmt.dateTime;
  if (w.starts_at && w.ends_at && wholeDays(w.starts_at, w.ends_at)) {
    const last = new Date(Date.parse(w.ends_at) - 1).toISOString();
    const from = fmt.date(w.starts_at);
    const until = fmt.date(last);
    return from === until ? from : t("window.range", { from, until });
  }
  if (w.starts_at && w.ends_at) return t("window.range", { from: moment(w.starts_at), until: moment(w.ends_at) });
  if (w.starts_at) return t("window.from", { from: moment(w.starts_at) });
  if (w.ends_at) return t("window.until", { until: moment(w.ends_at) });
  return "";
}

function Fact({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="gt-facts__row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

type GateItem = VerdictView["checklist"][number];

function GateChecklist({ ticketId, items }: { ticketId: number; items: GateItem[] }) {
  const { t } = useTranslation("gate");
  const [answered, setAnswered] = useState<Record<number, ChecklistItem>>({});
  return (
    <div className="gt-checklist">
      <h3 className="gt-subtitle">{t("checklist.title")}</h3>
      <ul className="gt-checklist__items">
        {items.map((item) => (
          <GateChecklistRow key={item.id} ticketId={ticketId} item={item} answered={answered[item.id]} onAnswered={(fresh) => setAnswered((a) => ({ ...a, [item.id]: fresh }))} />
        ))}
      </ul>
      <Link to={`/tickets/${ticketId}`} className="gt-link">
        {t("checklist.openTicket")}
      </Link>
    </div>
  );
}

function GateChecklistRow({ ticketId, item, answered, onAnswered }: { ticketId: number; item: GateItem; answered: ChecklistItem | undefined; onAnswered: (fresh: ChecklistItem) => void }) {
  const { t } = useTranslation("gate");
  const id = useId();
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState("");
  const [photo, setPhoto] = useState<File | null>(null);
  const tick = useMutation({
    mutationFn: () => tickItem(ticketId, item.id, { value: true, comment, photo }),
    onSuccess: (fresh) => {
      onAnswered(fresh);
      setOpen(false);
    },
  });
  const done = answered ? Boolean(answered.done) : item.done;
  const tickable = item.kind === "check";
  return (
    <li className={done ? "gt-check gt-check--done" : "gt-check"}>
      <div className="gt-check__row">
        <span className="gt-check__label">
          {item.label}
          {item.required && <span className="gt-check__required"> {t("checklist.required")}</span>}
        </span>
        {done ? (
          <span className="gt-check__done" role="status">
            {t("checklist.done")}
            {answered?.photo ? ` · ${t("checklist.withPhoto")}` : ""}
          </span>
        ) : tickable ? (
          <Button size="sm" variant={open ? "secondary" : "primary"} aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {t("checklist.tick", { item: item.label })}
          </Button>
        ) : null}
      </div>
      {open && !done && (
        <form
          className="a-form gt-check__form"
          onSubmit={(e) => {
            e.preventDefault();
            tick.mutate();
          }}
          noValidate
        >
          <ErrorAlert error={tick.error} shownFields={["value", "comment", "photo"]} />
          <div className="a-field">
            <label className="a-field__label" htmlFor={`${id}-comment`}>
              {t("checklist.comment")}
            </label>
            <textarea id={`${id}-comment`} className="a-input gt-textarea" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
            {fieldErrors(tick.error, "comment") && <ul className="a-field__errors">{fieldErrors(tick.error, "comment")!.map((m) => <li key={m}>{m}</li>)}</ul>}
          </div>
          <div className="a-field">
            <label className="a-field__label" htmlFor={`${id}-photo`}>
              {t("checklist.photo")}
            </label>
            <input id={`${id}-photo`} type="file" accept="image/*" capture="environment" onChange={(e) => setPhoto(e.target.files?.[0] ?? null)} />
            {fieldErrors(tick.error, "photo") && <ul className="a-field__errors">{fieldErrors(tick.error, "photo")!.map((m) => <li key={m}>{m}</li>)}</ul>}
          </div>
          <div className="a-form__actions">
            <Button type="submit" variant="primary" busy={tick.isPending}>
              {t("checklist.save")}
            </Button>
            <Button onClick={() => setOpen(false)}>{t("shared:actions.cancel")}</Button>
          </div>
        </form>
      )}
    </li>
  );
}

function Today({ onCheck }: { onCheck: (code: string) => void }) {
  const { t } = useTranslation("gate");
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const today = useQuery({ queryKey: todayKey, queryFn: getToday, refetchInterval: 120_000 });
  const rows: TodayItem[] = today.data ?? [];
  const when = (row: TodayItem) => windowText(row, t, fmt, true);
  return (
    <section className="a-card gt-card gt-today" aria-labelledby="gt-today-title">
      <div className="gt-today__head">
        <h2 id="gt-today-title" className="gt-card__title">
          {t("today.title")}
        </h2>
        <Button size="sm" variant="ghost" onClick={() => void queryClient.invalidateQueries({ queryKey: todayKey })}>
          {t("today.refresh")}
        </Button>
      </div>
      <ErrorAlert error={today.error} />
      {today.isPending ? (
        <PageLoading />
      ) : rows.length === 0 && !today.error ? (
        <p className="gt-help">{t("today.empty")}</p>
      ) : (
        <ul className="gt-today__list">
          {rows.map((row) => (
            <li key={row.id} className="gt-today__row">
              <div className="gt-today__text">
                <span className="gt-today__key">{row.key}</span> <span>{row.title}</span>
                <span className="gt-today__meta">
                  {row.type.name} · {when(row)}
                  {row.vehicle_plate ? ` · ${row.vehicle_plate}` : ""}
                  {row.company ? ` · ${row.company.name}` : ""}
                  {row.outcome === "approved_with_remarks" ? ` · ${t("today.withRemarks")}` : ""}
                </span>
              </div>
              <Button size="sm" onClick={() => onCheck(row.key)} aria-label={t("today.checkOne", { key: row.key })}>
                {t("today.check")}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
