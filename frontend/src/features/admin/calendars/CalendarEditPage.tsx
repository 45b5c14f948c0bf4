import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { formatDateTime, useDateFormat } from "@/shared/format/datetime";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { type Calendar, type CalendarBody, type CalendarDay, calendarApi, calendarKeys, type Interval, OVERRIDE_KINDS, type OverrideKind, useCalendar, useDays, useOverrides } from "./api";
import "./calendars.css";

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const;

let seq = 0;
const uid = () => `w${++seq}`;

interface IntervalDraft extends Interval {
  uid: string;
}

export interface CalendarDraft {
  name: string;
  time_zone: string; // "" = the account's
  is_default: boolean;
  is_24x7: boolean;
  holidays_country: "" | "RU";
  week: IntervalDraft[][]; // [weekday][n]
}

export function draftOf(calendar: Calendar | undefined): CalendarDraft {
  const week: IntervalDraft[][] = WEEKDAYS.map(() => []);
  if (calendar) {
    for (const i of calendar.week ?? []) week[i.weekday]?.push({ uid: uid(), start: i.start, end: i.end });
  } else {
    for (const d of [0, 1, 2, 3, 4]) week[d] = [{ uid: uid(), start: "09:00", end: "13:00" }, { uid: uid(), start: "14:00", end: "18:00" }];
  }
  return {
    name: calendar?.name ?? "",
    time_zone: calendar && !calendar.zone_from_account ? (calendar.time_zone ?? "") : "",
    is_default: calendar?.is_default ?? false,
    is_24x7: calendar?.is_24x7 ?? false,
    holidays_country: calendar?.holidays_country ?? "RU",
    week,
  };
}

/** The body, and where each interval lands in `week` (the API's `week.<n>.start` messages). */
export function bodyOf(d: CalendarDraft): { body: CalendarBody; index: Map<string, number> } {
  const index = new Map<string, number>();
  const week: CalendarBody["week"] = [];
  d.week.forEach((intervals, weekday) =>
    intervals.forEach((i) => {
      index.set(i.uid, week.length);
      week.push({ weekday, start: i.start, end: i.end });
    }),
  );
  return { body: { name: d.name.trim(), time_zone: d.time_zone.trim(), is_default: d.is_default, is_24x7: d.is_24x7, holidays_country: d.holidays_country, week }, index };
}

function zones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.("timeZone") ?? [];
  } catch {
    return [];
  }
}

function Errors({ id, messages }: { id?: string; messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <ul id={id} className="a-field__errors">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

/** /app/admin/calendars/new and /:id: a calendar's settings, week, overrides and computed month. */
export default function CalendarEditPage() {
  const { id: raw } = useParams();
  const id = raw && raw !== "new" ? Number(raw) : null;
  const calendar = useCalendar(id);
  const { t } = useTranslation("calendars");
  if (id != null && (calendar.isPending || calendar.error)) {
    return (
      <div className="a-page admin-page">
        <h1>{t("title")}</h1>
        {calendar.isPending ? <PageLoading /> : <ErrorAlert error={calendar.error} />}
      </div>
    );
  }
  return (
    <div className="a-page admin-page">
      <p className="admin-breadcrumb">
        <Link to="/admin/calendars">{t("title")}</Link>
      </p>
      <CalendarForm key={`${id ?? "new"}-${calendar.dataUpdatedAt}`} id={id} calendar={calendar.data} />
      {id != null && (
        <>
          <Overrides id={id} />
          <MonthView id={id} />
        </>
      )}
    </div>
  );
}

function CalendarForm({ id, calendar }: { id: number | null; calendar: Calendar | undefined }) {
  const { t } = useTranslation("calendars");
  const title = id ? t("editOf", { name: calendar?.name ?? "" }) : t("new");
  usePageTitle(title);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [d, setD] = useState(() => draftOf(calendar));
  const [confirming, setConfirming] = useState(false);
  const set = (patch: Partial<CalendarDraft>) => setD((x) => ({ ...x, ...patch }));
  const { body, index } = bodyOf(d);
  const save = useMutation({
    mutationFn: () => (id ? calendarApi.update(id, body) : calendarApi.create(body)),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: calendarKeys.all });
      notify(t("saved", { name: saved.name }));
      if (!id) navigate(`/admin/calendars/${saved.id}`, { replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => calendarApi.remove(id!),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: calendarKeys.all });
      notify(t("deleted", { name: calendar?.name ?? "" }));
      navigate("/admin/calendars", { replace: true });
    },
  });
  const err = (name: string) => fieldErrors(save.error, name);
  const setDay = (weekday: number, intervals: IntervalDraft[]) => set({ week: d.week.map((x, i) => (i === weekday ? intervals : x)) });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const { i18n } = useTranslation();
  // 1 Jan 2024 was a Monday
  const dayName = (n: number) => formatDateTime(new Date(Date.UTC(2024, 0, 1 + n, 12)), { language: i18n.language, timeZone: "UTC", options: { weekday: "long" } });
  const shownFields = ["name", "time_zone", "is_default", "is_24x7", "holidays_country", "week", ...[...index.values()].flatMap((n) => [`week.${n}`, `week.${n}.start`, `week.${n}.end`, `week.${n}.weekday`])];
  const allZones = zones();
  return (
    <form onSubmit={onSubmit} noValidate>
      <div className="a-page__header">
        <h1>{title}</h1>
        <div className="admin-actions">
          {id && (
            <Button variant="ghost" onClick={() => setConfirming(true)}>
              {t("delete")}
            </Button>
          )}
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t("shared:actions.save")}
          </Button>
        </div>
      </div>
      {confirming && (
        <Alert tone="warning" title={t("confirmDelete", { name: calendar?.name ?? "" })}>
          <div className="admin-actions">
            <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate()}>
              {t("deleteConfirmed")}
            </Button>
            <Button onClick={() => setConfirming(false)}>{t("shared:actions.cancel")}</Button>
          </div>
        </Alert>
      )}
      <ErrorAlert error={remove.error} />
      <ErrorAlert error={save.error} shownFields={shownFields} />
      <section className="a-card admin-section" aria-labelledby="cal-settings">
        <h2 id="cal-settings">{t("settings")}</h2>
        <div className="admin-grid">
          <TextField label={t("fields.name")} value={d.name} onChange={(e) => set({ name: e.target.value })} errors={err("name")} />
          <TextField label={t("fields.time_zone")} value={d.time_zone} onChange={(e) => set({ time_zone: e.target.value })} errors={err("time_zone")} list="cal-zones" placeholder={calendar?.zone_from_account ? calendar.time_zone : "Europe/Moscow"} hint={t("hints.time_zone")} spellCheck={false} />
          <datalist id="cal-zones">
            {allZones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </div>
        <div className="cal-switches">
          <label className="admin-check">
            <input type="checkbox" checked={d.is_default} onChange={(e) => set({ is_default: e.target.checked })} />
            {t("fields.is_default")}
          </label>
          <Errors messages={err("is_default")} />
          <label className="admin-check">
            <input type="checkbox" role="switch" checked={d.is_24x7} onChange={(e) => set({ is_24x7: e.target.checked })} />
            {t("fields.is_24x7")}
          </label>
          <Errors messages={err("is_24x7")} />
          <label className="admin-check">
            <input type="checkbox" role="switch" checked={d.holidays_country === "RU"} onChange={(e) => set({ holidays_country: e.target.checked ? "RU" : "" })} />
            {t("fields.holidays_ru")}
          </label>
          <p className="admin-hint">{t("hints.holidays_ru")}</p>
          <Errors messages={err("holidays_country")} />
        </div>
      </section>

      <section className="a-card admin-section" aria-labelledby="cal-week">
        <h2 id="cal-week">{t("week.title")}</h2>
        {d.is_24x7 ? <p className="admin-hint">{t("week.all24x7")}</p> : <p className="admin-hint">{t("week.hint")}</p>}
        <Errors messages={err("week")} />
        <table className="cal-week">
          <tbody>
            {WEEKDAYS.map((n) => {
              const intervals = d.week[n] ?? [];
              return (
                <tr key={n} className={intervals.length ? undefined : "is-off"}>
                  <th scope="row">{dayName(n)}</th>
                  <td>
                    <ul className="cal-intervals" aria-label={t("week.intervalsOf", { day: dayName(n) })}>
                      {intervals.length === 0 && <li className="cal-off">{t("week.dayOff")}</li>}
                      {intervals.map((i, k) => {
                        const at = index.get(i.uid)!;
                        const messages = [...(err(`week.${at}`) ?? []), ...(err(`week.${at}.start`) ?? []), ...(err(`week.${at}.end`) ?? [])];
                        const label = t("week.interval", { day: dayName(n), n: k + 1 });
                        const change = (patch: Partial<Interval>) => setDay(n, intervals.map((x) => (x.uid === i.uid ? { ...x, ...patch } : x)));
                        return (
                          <li key={i.uid}>
<div className="cal-interval" role="group" aria-label={label}>
                            <input type="text" inputMode="numeric" placeholder="09:00" className="a-input cal-time" aria-label={t("week.start", { label })} value={i.start} disabled={d.is_24x7} onChange={(e) => change({ start: e.target.value })} aria-invalid={messages.length ? true : undefined} />
                            <span aria-hidden="true">–</span>
                            <input
                              type="text"
                              inputMode="numeric"
                              placeholder="18:00"
                              className="a-input cal-time"
                              aria-label={t("week.end", { label })}
                              value={i.end}
                              disabled={d.is_24x7}
                              onChange={(e) => change({ end: e.target.value })}
                              aria-invalid={messages.length ? true : undefined}
                            />
                            <Button size="sm" variant="ghost" disabled={d.is_24x7} onClick={() => setDay(n, intervals.filter((x) => x.uid !== i.uid))} aria-label={t("week.remove", { label })}>
                              ×
                            </Button>
                            <Errors messages={messages.length ? messages : undefined} />
                            </div>
                          </li>
                        );
                      })}
                    </ul>
                  </td>
                  <td className="admin-table__actions">
                    <Button size="sm" disabled={d.is_24x7} onClick={() => setDay(n, [...intervals, { uid: uid(), start: intervals.at(-1)?.end ?? "09:00", end: "18:00" }])} aria-label={t("week.addTo", { day: dayName(n) })}>
                      {t("week.add")}
                    </Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </form>
  );
}

interface OverrideDraft {
  id: number | null; // null: a new exception
  day: string;
  kind: OverrideKind;
  intervals: IntervalDraft[];
  note: string;
}

const emptyOverride = (): OverrideDraft => ({ id: null, day: "", kind: "holiday", intervals: [], note: "" });

function Overrides({ id }: { id: number }) {
  const { t, i18n } = useTranslation("calendars");
  const queryClient = useQueryClient();
  const overrides = useOverrides(id);
  const [d, setD] = useState<OverrideDraft>(emptyOverride);
  const set = (patch: Partial<OverrideDraft>) => setD((x) => ({ ...x, ...patch }));
  const add = useMutation({
    mutationFn: () => {
      const body = { day: d.day, kind: d.kind, intervals: d.kind === "holiday" ? [] : d.intervals.map(({ start, end }) => ({ start, end })), note: d.note.trim() };
      return d.id ? calendarApi.updateOverride(id, d.id, body) : calendarApi.addOverride(id, body);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: calendarKeys.all });
      setD(emptyOverride());
    },
  });
  const remove = useMutation({
    mutationFn: (oid: number) => calendarApi.removeOverride(id, oid),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: calendarKeys.all }),
  });
  const err = (name: string) => fieldErrors(add.error, name);
  const dayText = (day: string) => formatDateTime(new Date(`${day}T12:00:00Z`), { language: i18n.language, timeZone: "UTC", options: { dateStyle: "medium" } });
  const rows = overrides.data ?? [];
  const changeKind = (kind: OverrideKind) => set({ kind, intervals: kind === "holiday" ? [] : d.intervals.length ? d.intervals : [{ uid: uid(), start: "09:00", end: kind === "shortened" ? "17:00" : "18:00" }] });
  return (
    <section className="a-card admin-section" aria-labelledby="cal-overrides">
      <h2 id="cal-overrides">{t("overrides.title")}</h2>
      <p className="admin-hint">{t("overrides.hint")}</p>
      <ErrorAlert error={overrides.error ?? remove.error} />
      {rows.length === 0 ? (
        <p className="a-empty">{t("overrides.none")}</p>
      ) : (
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">{t("overrides.day")}</th>
              <th scope="col">{t("overrides.kind")}</th>
              <th scope="col">{t("overrides.hours")}</th>
              <th scope="col">{t("overrides.note")}</th>
              <th scope="col">
                <span className="a-visually-hidden">{t("overrides.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={o.id}>
                <td>{dayText(o.day)}</td>
                <td>{t(`kinds.${o.kind}`)}</td>
                <td>{o.intervals?.length ? o.intervals.map((i) => `${i.start}–${i.end}`).join(", ") : "—"}</td>
                <td>{o.note}</td>
                <td className="admin-table__actions">
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => {
                      add.reset();
                      setD({ id: o.id, day: o.day, kind: o.kind, intervals: (o.intervals ?? []).map((i) => ({ uid: uid(), ...i })), note: o.note ?? "" });
                    }}
                    aria-label={t("overrides.editOf", { day: dayText(o.day) })}
                  >
                    {t("overrides.edit")}
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => remove.mutate(o.id)} aria-label={t("overrides.removeOf", { day: dayText(o.day) })}>
                    {t("overrides.remove")}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="cal-override-form"
        aria-labelledby="cal-override-new"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <h3 id="cal-override-new">{d.id ? t("overrides.changing", { day: dayText(d.day) }) : t("overrides.add")}</h3>
        <ErrorAlert error={add.error} shownFields={["day", "kind", "intervals", "note", ...d.intervals.flatMap((_, n) => [`intervals.${n}`, `intervals.${n}.start`, `intervals.${n}.end`])]} />
        <div className="admin-grid">
          <TextField type="date" label={t("overrides.day")} value={d.day} onChange={(e) => set({ day: e.target.value })} errors={err("day")} />
          <div className="a-field">
            <label className="a-field__label" htmlFor="cal-ov-kind">
              {t("overrides.kind")}
            </label>
            <select id="cal-ov-kind" className="a-input" value={d.kind} onChange={(e) => changeKind(e.target.value as OverrideKind)}>
              {OVERRIDE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kinds.${k}`)}
                </option>
              ))}
            </select>
            <Errors messages={err("kind")} />
          </div>
          <TextField label={t("overrides.note")} value={d.note} onChange={(e) => set({ note: e.target.value })} errors={err("note")} />
        </div>
        {d.kind !== "holiday" && (
          <fieldset className="admin-fieldset">
            <legend>{t("overrides.hours")}</legend>
            <Errors messages={err("intervals")} />
            <ul className="cal-intervals">
              {d.intervals.map((i, n) => {
                const label = t("overrides.interval", { n: n + 1 });
                const messages = [...(err(`intervals.${n}`) ?? []), ...(err(`intervals.${n}.start`) ?? []), ...(err(`intervals.${n}.end`) ?? [])];
                const change = (patch: Partial<Interval>) => set({ intervals: d.intervals.map((x) => (x.uid === i.uid ? { ...x, ...patch } : x)) });
                return (
                  <li key={i.uid}>
<div className="cal-interval" role="group" aria-label={label}>
                    <input type="text" inputMode="numeric" placeholder="09:00" className="a-input cal-time" aria-label={t("week.start", { label })} value={i.start} onChange={(e) => change({ start: e.target.value })} />
                    <span aria-hidden="true">–</span>
                    <input type="text" inputMode="numeric" placeholder="18:00" className="a-input cal-time" aria-label={t("week.end", { label })} value={i.end} onChange={(e) => change({ end: e.target.value })} />
                    <Button size="sm" variant="ghost" onClick={() => set({ intervals: d.intervals.filter((x) => x.uid !== i.uid) })} aria-label={t("week.remove", { label })}>
                      ×
                    </Button>
                    <Errors messages={messages.length ? messages : undefined} />
                    </div>
                  </li>
                );
              })}
            </ul>
            <Button size="sm" onClick={() => set({ intervals: [...d.intervals, { uid: uid(), start: d.intervals.at(-1)?.end ?? "09:00", end: "18:00" }] })}>
              {t("week.add")}
            </Button>
          </fieldset>
        )}
        <div className="admin-actions">
          <Button type="submit" busy={add.isPending}>
            {d.id ? t("overrides.saveButton") : t("overrides.addButton")}
          </Button>
          {d.id && (
            <Button
              onClick={() => {
                add.reset();
                setD(emptyOverride());
              }}
            >
              {t("shared:actions.cancel")}
            </Button>
          )}
        </div>
      </form>
    </section>
  );
}

function todayIn(timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}
function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}
function shiftMonth(first: string, n: number): string {
  const [y, m] = first.split("-").map(Number);
  const date = new Date(Date.UTC(y!, m! - 1 + n, 1));
  return date.toISOString().slice(0, 10);
}
function lastDay(first: string): string {
  const next = new Date(`${shiftMonth(first, 1)}T00:00:00Z`);
  next.setUTCDate(0);
  return next.toISOString().slice(0, 10);
}

/** The computed days of a month (`/days/`): working hours, days off, holidays and overrides. */
function MonthView({ id }: { id: number }) {
  const { t, i18n } = useTranslation("calendars");
  const { timeZone } = useDateFormat();
  const [month, setMonth] = useState(() => monthOf(todayIn(timeZone)));
  const from = month;
  const to = lastDay(month);
  const days = useDays(id, from, to);
  const fmt = (day: string, options: Intl.DateTimeFormatOptions) => formatDateTime(new Date(`${day}T12:00:00Z`), { language: i18n.language, timeZone: "UTC", options });
  const lead = (new Date(`${from}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday first
  const cells: (CalendarDay | null)[] = [...Array.from({ length: lead }, () => null), ...(days.data ?? [])];
  while (cells.length % 7) cells.push(null);
  const weeks: (typeof cells)[] = [];
  for (let k = 0; k < cells.length; k += 7) weeks.push(cells.slice(k, k + 7));
  return (
    <section className="a-card admin-section" aria-labelledby="cal-month">
      <div className="cal-month__head">
        <h2 id="cal-month">{t("month.title", { month: fmt(month, { month: "long", year: "numeric" }) })}</h2>
        <div className="admin-actions">
          <Button size="sm" onClick={() => setMonth(shiftMonth(month, -1))}>
            {t("month.previous")}
          </Button>
          <Button size="sm" onClick={() => setMonth(shiftMonth(month, 1))}>
            {t("month.next")}
          </Button>
        </div>
      </div>
      <ErrorAlert error={days.error} />
      {days.isPending ? (
        <PageLoading />
      ) : (
        <table className="cal-month">
          <thead>
            <tr>
              {[0, 1, 2, 3, 4, 5, 6].map((n) => (
                <th key={n} scope="col">
                  {fmt(`2024-01-0${n + 1}`, { weekday: "short" })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((week, w) => (
              <tr key={w}>
                {week.map((cell, k) =>
                  cell ? (
                    <td key={k} className={`cal-day ${cell.working ? "is-working" : "is-off"} cal-day--${cell.source}`} aria-label={fmt(cell.day, { dateStyle: "full" })}>
                      <span className="cal-day__n">{Number(cell.day.slice(8))}</span>
                      <span className="cal-day__hours">
                        {cell.working
                          ? cell.intervals.map((i, n) => (
                              <span key={n} className="cal-day__interval">
                                {`${i.start}–${i.end}`}
                                {n < cell.intervals.length - 1 && <span className="a-visually-hidden">, </span>}
                              </span>
                            ))
                          : t("week.dayOff")}
                      </span>
                      {cell.source !== "week" && <span className="cal-day__source">{t(`month.source.${cell.source}`)}</span>}
                      {cell.note && <span className="cal-day__note">{cell.note}</span>}
                    </td>
                  ) : (
                    <td key={k} className="cal-day is-empty" />
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
