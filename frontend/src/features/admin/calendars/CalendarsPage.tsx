import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ErrorAlert, PageLoading, usePageTitle } from "@/shared/ui";
import { type Calendar, useCalendars } from "./api";
import "./calendars.css";

/** Hours per week of a calendar's week grid, for the list ("40 h a week"). */
export function weeklyHours(calendar: Pick<Calendar, "week">): number {
  const minutes = (hhmm: string) => {
    const [h, m] = hhmm.split(":").map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  };
  return (calendar.week ?? []).reduce((sum, i) => sum + Math.max(0, minutes(i.end) - minutes(i.start)), 0) / 60;
}

/** /app/admin/calendars: the business calendars (working hours, holidays), the default marked. */
export default function CalendarsPage() {
  const { t } = useTranslation("calendars");
  usePageTitle(t("title"));
  const calendars = useCalendars();
  const rows = calendars.data ?? [];
  return (
    <div className="a-page admin-page">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{t("subtitle")}</p>
        </div>
        <Link className="a-btn a-btn--primary" to="/admin/calendars/new">
          {t("new")}
        </Link>
      </div>
      <ErrorAlert error={calendars.error} />
      {calendars.isPending ? (
        <PageLoading />
      ) : (
        <div className="a-card admin-table-card">
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">{t("fields.name")}</th>
                <th scope="col">{t("fields.time_zone")}</th>
                <th scope="col">{t("list.hours")}</th>
                <th scope="col">{t("fields.holidays_country")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={4} className="a-empty">
                    {t("list.none")}
                  </td>
                </tr>
              )}
              {rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/admin/calendars/${c.id}`}>{c.name}</Link> {c.is_default && <span className="admin-badge">{t("list.default")}</span>}
                  </td>
                  <td>{c.zone_from_account ? t("list.accountZone", { zone: c.time_zone }) : c.time_zone}</td>
                  <td>{c.is_24x7 ? t("list.allHours") : t("list.weekHours", { count: Math.round(weeklyHours(c) * 10) / 10 })}</td>
                  <td>{c.holidays_country ? t(`holidays.${c.holidays_country}`) : t("holidays.none")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
