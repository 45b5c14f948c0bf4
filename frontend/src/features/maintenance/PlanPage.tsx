import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { EquipmentPicker, LocationPicker } from "@/features/forms";
import { DATE, formatDateTime } from "@/shared/format/datetime";
import { useDateFormat } from "@/shared/format/datetime";
import { Button, ErrorAlert, PageLoading, usePageTitle } from "@/shared/ui";
import { type PlanItem, usePlan, useRetryOccurrence } from "./api";
import { addDays, addMonths, dayAsDate, dayOf, isDay, monthStart, todayIn, weekStart } from "./dates";
import { isForbidden, LoadError } from "./NotAllowed";
import "./maintenance.css";

type Span = "week" | "4w" | "month";
const SPANS: Span[] = ["week", "4w", "month"];

function rangeOf(span: Span, from: string): { from: string; to: string } {
  if (span === "week") {
    const start = weekStart(from);
    return { from: start, to: addDays(start, 7) };
  }
  if (span === "month") {
    const start = monthStart(from);
    return { from: start, to: addMonths(start, 1) };
  }
  return { from, to: addDays(from, 28) };
}

function shift(span: Span, from: string, direction: 1 | -1): string {
  if (span === "week") return addDays(from, 7 * direction);
  if (span === "month") return addMonths(from, direction);
  return addDays(from, 28 * direction);
}

interface EquipmentGroup {
  key: string;
  name: string | null; // null: the location as a whole
  days: { day: string; items: PlanItem[] }[];
}
interface LocationGroup {
  key: string;
  name: string | null; // null: no location
  equipment: EquipmentGroup[];
}

/** Location → equipment → day, each in order (no location last, the location as a whole first). */
export function groupPlan(items: PlanItem[], timeZone: string | undefined, language: string): LocationGroup[] {
  const locations = new Map<string, { name: string | null; equipment: Map<string, { name: string | null; items: PlanItem[] }> }>();
  for (const item of items) {
    const lk = item.location ? String(item.location.id) : "none";
    if (!locations.has(lk)) locations.set(lk, { name: item.location?.name ?? null, equipment: new Map() });
    const loc = locations.get(lk)!;
    const ek = item.equipment ? String(item.equipment.id) : "none";
    if (!loc.equipment.has(ek)) loc.equipment.set(ek, { name: item.equipment?.name ?? null, items: [] });
    loc.equipment.get(ek)!.items.push(item);
  }
  const byName = (a: { name: string | null }, b: { name: string | null }) => {
    if (a.name === b.name) return 0;
    if (a.name === null) return 1;
    if (b.name === null) return -1;
    return a.name.localeCompare(b.name, language);
  };
  return [...locations.entries()]
    .map(([key, loc]) => ({
      key,
      name: loc.name,
      equipment: [...loc.equipment.entries()]
        .map(([ekey, eq]) => {
          const days = new Map<string, PlanItem[]>();
          for (const item of [...eq.items].sort((a, b) => a.planned_at.localeCompare(b.planned_at))) {
            const day = dayOf(item.planned_at, timeZone);
            if (!days.has(day)) days.set(day, []);
            days.get(day)!.push(item);
          }
          return { key: ekey, name: eq.name, days: [...days.entries()].map(([day, list]) => ({ day, items: list })) };
        })
        .sort((a, b) => (a.name === null ? -1 : b.name === null ? 1 : byName(a, b))),
    }))
    .sort(byName);
}

/** /app/maintenance: the planned maintenance of the coming weeks, by location and equipment. */
export default function PlanPage() {
  const { t, i18n } = useTranslation("maintenance");
  usePageTitle(t("plan.title"));
  const fmt = useDateFormat();
  const [params, setParams] = useSearchParams();
  const span: Span = SPANS.includes(params.get("span") as Span) ? (params.get("span") as Span) : "4w";
  const today = todayIn(fmt.timeZone);
  const start = isDay(params.get("from")) ? params.get("from")! : today;
  const range = rangeOf(span, start);
  const location = Number(params.get("location")) || undefined;
  const equipment = Number(params.get("equipment")) || undefined;
  const plan = usePlan({ from: range.from, to: range.to, location, equipment });
  const groups = useMemo(() => groupPlan(plan.data ?? [], fmt.timeZone, i18n.language), [plan.data, fmt.timeZone, i18n.language]);

  const update = (patch: Record<string, string | number | undefined | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === "") next.delete(k);
      else next.set(k, String(v));
    }
    setParams(next, { replace: true });
  };
  const dayText = (day: string, options: Intl.DateTimeFormatOptions = DATE) =>
    formatDateTime(dayAsDate(day), { language: i18n.language, timeZone: "UTC", options });

  return (
    <div className="a-page mnt-page">
      <div className="a-page__header">
        <div>
          <h1>{t("plan.title")}</h1>
          <p className="a-page__subtitle">{t("plan.subtitle")}</p>
        </div>
        <div className="mnt-actions">
          <Link className="a-btn" to="/maintenance/schedules">
            {t("schedules.title")}
          </Link>
          <Link className="a-btn a-btn--primary" to="/maintenance/schedules/new">
            {t("schedules.new")}
          </Link>
        </div>
      </div>

      {!isForbidden(plan.error) && (
        <div className="a-card mnt-toolbar" role="search" aria-label={t("plan.filters")}>
          <fieldset className="a-segmented">
            <legend className="a-field__label">{t("plan.span")}</legend>
            <div className="a-segmented__options">
              {SPANS.map((s) => (
                <label key={s} className="a-segmented__option">
                  <input type="radio" name="mnt-span" value={s} checked={span === s} onChange={() => update({ span: s === "4w" ? undefined : s })} />
                  <span>{t(`plan.spans.${s}`)}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="mnt-range" role="group" aria-label={t("plan.range")}>
            <Button size="sm" onClick={() => update({ from: shift(span, range.from, -1) })} aria-label={t("plan.previous")}>
              ‹
            </Button>
            <Button size="sm" onClick={() => update({ from: undefined })}>
              {t("plan.today")}
            </Button>
            <Button size="sm" onClick={() => update({ from: shift(span, range.from, 1) })} aria-label={t("plan.next")}>
              ›
            </Button>
            <span className="mnt-range__label" aria-live="polite">
              {t("plan.rangeLabel", { from: dayText(range.from), to: dayText(addDays(range.to, -1)) })}
            </span>
          </div>
          <LocationPicker label={t("fields.location")} value={location ?? null} onChange={(id) => update({ location: id, equipment: undefined })} className="mnt-toolbar__picker" />
          <EquipmentPicker label={t("fields.equipment")} value={equipment ?? null} location={location ?? null} onChange={(id) => update({ equipment: id })} className="mnt-toolbar__picker" />
        </div>
      )}

      <LoadError error={plan.error} />
      {plan.isPending ? (
        <PageLoading />
      ) : plan.error ? null : groups.length === 0 ? (
        <div className="a-card a-empty">{t("plan.empty")}</div>
      ) : (
        groups.map((loc) => (
          <section key={loc.key} className="a-card mnt-group" aria-labelledby={`mnt-loc-${loc.key}`}>
            <h2 id={`mnt-loc-${loc.key}`}>{loc.name ?? t("plan.noLocation")}</h2>
            {loc.equipment.map((eq) => (
              <div key={eq.key} className="mnt-equipment">
                {(eq.name !== null || loc.name !== null) && <h3>{eq.name ?? t("plan.wholeLocation")}</h3>}
                <ol className="mnt-agenda">
                  {eq.days.map(({ day, items }) => (
                    <li key={day} className={`mnt-day${day === today ? " is-today" : ""}`}>
                      <div className="mnt-day__date">
                        <span className="mnt-day__weekday">{dayText(day, { weekday: "short" })}</span>
                        <span className="mnt-day__number">{dayText(day, { day: "numeric", month: "short" })}</span>
                      </div>
                      <ul className="mnt-day__items">
                        {items.map((item) => (
                          <Occurrence key={`${item.schedule}-${item.due_at}`} item={item} />
                        ))}
                      </ul>
                    </li>
                  ))}
                </ol>
              </div>
            ))}
          </section>
        ))
      )}
    </div>
  );
}

function Occurrence({ item }: { item: PlanItem }) {
  const { t } = useTranslation("maintenance");
  const fmt = useDateFormat();
  const retry = useRetryOccurrence();
  return (
    <li className={`mnt-occ mnt-occ--${item.state}`}>
      <span className="mnt-occ__time">{fmt.time(item.planned_at)}</span>
      <Link className="mnt-occ__name" to={`/maintenance/schedules/${item.schedule}`}>
        {item.schedule_name}
      </Link>
      <span className={`mnt-state mnt-state--${item.state}`}>{t(`state.${item.state}`)}</span>
      {item.state === "created" && item.ticket && (
        <Link className="mnt-occ__ticket" to={`/tickets/${item.ticket.id}`}>
          {t("plan.ticket", { number: item.ticket.number })}
        </Link>
      )}
      {item.moved && <span className="mnt-occ__note">{t("plan.movedFrom", { date: fmt.short(item.due_at) })}</span>}
      {item.completed_at && <span className="mnt-occ__note">{t("plan.completed", { date: fmt.short(item.completed_at) })}</span>}
      {item.state === "failed" && item.error && <span className="mnt-occ__error">{item.error}</span>}
      {item.state === "failed" && item.occurrence != null && (
        <Button size="sm" busy={retry.isPending} onClick={() => retry.mutate(item.occurrence as number)}>
          {t("plan.retry")}
        </Button>
      )}
      {retry.error && <ErrorAlert error={retry.error} />}
    </li>
  );
}
