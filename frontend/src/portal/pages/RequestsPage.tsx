/**
 * /portal/requests: what the API lists for this person (their own requests; a key user's list is
 * the whole company's). A key user may narrow it to their own. Statuses change live (the queue
 * topic hears the public events of what this person may see).
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { useSession } from "@/shared/session/SessionContext";
import { ErrorAlert } from "@/shared/ui/Alert";
import { Icon } from "@/shared/ui/Icon";
import { PageLoading } from "@/shared/ui/Spinner";
import { usePageTitle } from "@/shared/ui/usePageTitle";
import { keys, listRequests } from "../api";
import { useIdle } from "../idle";
import { StatusBadge } from "./StatusBadge";

// the live client subscribes after the first screen (its own chunk; not on the way to the rows)
const LiveRefresh = lazy(() => import("./LiveRefresh"));

export default function RequestsPage() {
  const { t } = useTranslation("portal");
  const { user } = useSession();
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  // a key user's list holds the company's requests (the API's rule); they may narrow it to theirs
  const companyWide = user.role === "key_user";
  const scope = companyWide && params.get("scope") !== "mine" ? "company" : "mine";
  const query = scope === "mine" && companyWide ? { requester: user.id } : {};
  usePageTitle(t("requests.title"));
  const list = useQuery({ queryKey: keys.requests(scope), queryFn: () => listRequests(query) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["portal", "requests"] });
  const idle = useIdle();

  const rows = list.data?.results ?? [];
  return (
    <div className="portal-page" data-requests-ready={list.isSuccess ? "" : undefined}>
      {idle && list.isSuccess && (
        <Suspense fallback={null}>
          <LiveRefresh topic={{ topic: "queue", filters: query }} onChange={refresh} />
        </Suspense>
      )}
      <div className="portal-page__head">
        <h1>{scope === "company" ? t("requests.companyTitle") : t("requests.title")}</h1>
        <Link to="/new" className="a-btn a-btn--primary">
          <Icon name="plus" />
          <span>{t("requests.new")}</span>
        </Link>
      </div>
      {companyWide && (
        <div className="a-segmented portal-scope" role="group" aria-label={t("requests.scope")}>
          <div className="a-segmented__options">
            {(["company", "mine"] as const).map((value) => (
              <button
                key={value}
                type="button"
                className="a-segmented__option portal-scope__option"
                aria-pressed={scope === value}
                onClick={() => setParams(value === "mine" ? { scope: "mine" } : {}, { replace: true })}
              >
                {t(`requests.scope_${value}`)}
              </button>
            ))}
          </div>
        </div>
      )}
      {list.isLoading ? (
        <PageLoading />
      ) : list.error ? (
        <ErrorAlert error={list.error} />
      ) : rows.length === 0 ? (
        <div className="a-card a-empty">{t("requests.empty")}</div>
      ) : (
        <ul className="portal-list" aria-label={t("requests.listLabel")}>
          {rows.map((row) => (
            <li key={row.id}>
              <Link to={`/requests/${row.id}`} className="portal-row a-card" data-ticket={row.id}>
                <span className="portal-row__top">
                  <span className="portal-row__key">{row.key}</span>
                  <StatusBadge status={row.status} />
                </span>
                <span className="portal-row__title">{row.title}</span>
                <span className="portal-row__meta">
                  {row.type.name} · {fmt.dateTime(row.updated_at)}
                  {scope === "company" && row.requester ? ` · ${row.requester.name}` : ""}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
