import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useTicketTypes } from "@/features/admin/api";
import { EquipmentPicker, LocationPicker } from "@/features/forms";
import { useEquipment, useLocations } from "@/features/forms/api";
import { useDateFormat } from "@/shared/format/datetime";
import { PageLoading, usePageTitle } from "@/shared/ui";
import { type Schedule, type ScheduleFilters, useSchedules } from "./api";
import { isForbidden, LoadError } from "./NotAllowed";
import "./maintenance.css";

export function useRecurrenceText() {
  const { t } = useTranslation("maintenance");
  return (s: Pick<Schedule, "period_unit" | "interval" | "rrule">) =>
    s.period_unit === "rrule" ? t("recurrence.rrule", { rule: s.rrule ?? "" }) : t(`recurrence.${s.period_unit ?? "months"}`, { count: s.interval ?? 1 });
}

/** /app/maintenance/schedules: the recurring ticket templates, filtered. */
export default function SchedulesPage() {
  const { t } = useTranslation("maintenance");
  usePageTitle(t("schedules.title"));
  const fmt = useDateFormat();
  const [params, setParams] = useSearchParams();
  const active = params.get("active"); // "yes" | "no" | null
  const filters: ScheduleFilters = {
    is_active: active === "yes" ? true : active === "no" ? false : undefined,
    ticket_type: Number(params.get("type")) || undefined,
    location: Number(params.get("location")) || undefined,
    equipment: Number(params.get("equipment")) || undefined,
  };
  const schedules = useSchedules(filters);
  const types = useTicketTypes();
  const locations = useLocations();
  const equipment = useEquipment(null);
  const recurrence = useRecurrenceText();
  const names = useMemo(
    () => ({
      type: new Map((types.data ?? []).map((x) => [x.id, x.name])),
      location: new Map((locations.data ?? []).map((x) => [x.id, x.name])),
      equipment: new Map((equipment.data ?? []).map((x) => [x.id, x.name])),
    }),
    [types.data, locations.data, equipment.data],
  );
  const update = (patch: Record<string, string | number | undefined | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === "") next.delete(k);
      else next.set(k, String(v));
    }
    setParams(next, { replace: true });
  };
  const rows = schedules.data ?? [];
  return (
    <div className="a-page mnt-page">
      <div className="a-page__header">
        <div>
          <p className="mnt-breadcrumb">
            <Link to="/maintenance">{t("plan.title")}</Link>
          </p>
          <h1>{t("schedules.title")}</h1>
          <p className="a-page__subtitle">{t("schedules.subtitle")}</p>
        </div>
        <Link className="a-btn a-btn--primary" to="/maintenance/schedules/new">
          {t("schedules.new")}
        </Link>
      </div>
      {!isForbidden(schedules.error) && (
        <div className="a-card mnt-toolbar" role="search" aria-label={t("schedules.filters")}>
          <div className="a-field">
            <label className="a-field__label" htmlFor="mnt-f-active">
              {t("fields.is_active")}
            </label>
            <select id="mnt-f-active" className="a-input" value={active ?? ""} onChange={(e) => update({ active: e.target.value })}>
              <option value="">{t("schedules.any")}</option>
              <option value="yes">{t("schedules.activeOnly")}</option>
              <option value="no">{t("schedules.pausedOnly")}</option>
            </select>
          </div>
          <div className="a-field">
            <label className="a-field__label" htmlFor="mnt-f-type">
              {t("fields.ticket_type")}
            </label>
            <select id="mnt-f-type" className="a-input" value={filters.ticket_type ?? ""} onChange={(e) => update({ type: e.target.value })}>
              <option value="">{t("schedules.any")}</option>
              {(types.data ?? []).map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </div>
          <LocationPicker label={t("fields.location")} value={filters.location ?? null} onChange={(id) => update({ location: id, equipment: undefined })} className="mnt-toolbar__picker" />
          <EquipmentPicker label={t("fields.equipment")} value={filters.equipment ?? null} location={filters.location ?? null} onChange={(id) => update({ equipment: id })} className="mnt-toolbar__picker" />
        </div>
      )}
      <LoadError error={schedules.error} />
      {schedules.isPending ? (
        <PageLoading />
      ) : schedules.error ? null : (
        <div className="a-card mnt-table-card">
          <table className="mnt-table">
            <thead>
              <tr>
                <th scope="col">{t("fields.name")}</th>
                <th scope="col">{t("fields.ticket_type")}</th>
                <th scope="col">{t("schedules.recurrence")}</th>
                <th scope="col">{t("fields.first_at")}</th>
                <th scope="col">{t("fields.location")}</th>
                <th scope="col">{t("fields.equipment")}</th>
                <th scope="col">{t("fields.is_active")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={7} className="a-empty">
                    {t("schedules.none")}
                  </td>
                </tr>
              )}
              {rows.map((s) => (
                <tr key={s.id} className={s.is_active === false ? "is-muted" : undefined}>
                  <td>
                    <Link to={`/maintenance/schedules/${s.id}`}>{s.name}</Link>
                  </td>
                  <td>{names.type.get(s.ticket_type) ?? `#${s.ticket_type}`}</td>
                  <td>{recurrence(s)}</td>
                  <td>{fmt.short(s.first_at)}</td>
                  <td>{s.location ? (names.location.get(s.location) ?? `#${s.location}`) : "—"}</td>
                  <td>{s.equipment ? (names.equipment.get(s.equipment) ?? `#${s.equipment}`) : "—"}</td>
                  <td>{s.is_active === false ? t("schedules.paused") : t("schedules.active")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
