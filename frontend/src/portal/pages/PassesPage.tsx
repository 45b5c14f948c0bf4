/** /portal/passes: the passes the API lists for this person (their own; a key user's company's). */
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { ErrorAlert, PageLoading, usePageTitle } from "@/shared/ui";
import { keys, listPasses } from "../api";

export default function PassesPage() {
  const { t } = useTranslation("portal");
  const fmt = useDateFormat();
  usePageTitle(t("passes.title"));
  const list = useQuery({ queryKey: keys.passes, queryFn: listPasses });
  const rows = list.data?.results ?? [];
  return (
    <div className="portal-page">
      <div className="portal-page__head">
        <h1>{t("passes.title")}</h1>
        <Link to="/new/pass" className="a-btn">
          {t("passes.request")}
        </Link>
      </div>
      {list.isLoading ? (
        <PageLoading />
      ) : list.error ? (
        <ErrorAlert error={list.error} />
      ) : rows.length === 0 ? (
        <div className="a-card a-empty">{t("passes.empty")}</div>
      ) : (
        <ul className="portal-list">
          {rows.map((pass) => (
            <li key={pass.id}>
              <Link to={`/passes/${pass.id}`} className="portal-row a-card">
                <span className="portal-row__top">
                  <span className="portal-row__key">{pass.short_code || t(`passes.kind_${pass.kind}`)}</span>
                  <span className={`portal-status portal-status--pass-${pass.state}`}>{t(`passes.state_${pass.state}`)}</span>
                </span>
                <span className="portal-row__title">{pass.holder_name || t(`passes.kind_${pass.kind}`)}</span>
                <span className="portal-row__meta">
                  {t("passes.validity", { from: fmt.date(pass.valid_from), until: pass.valid_until ? fmt.date(pass.valid_until) : "…" })}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
