import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "@/api/client";
import { useDateFormat } from "@/shared/format/datetime";
import { Button, ErrorAlert, PageLoading, usePageTitle } from "@/shared/ui";
import "../adminScreens.css";

function cursorOf(next: string | null | undefined): string | undefined {
  return next ? (new URL(next, "http://x").searchParams.get("cursor") ?? undefined) : undefined;
}

/** /app/admin/audit: who changed people and configuration, and what platform operators did inside this account (GET /audit/), newest first. */
export default function AuditPage() {
  const { t } = useTranslation("audit");
  usePageTitle(t("title"));
  const fmt = useDateFormat();
  const log = useInfiniteQuery({
    queryKey: ["admin", "audit"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/api/v1/audit/", { params: { query: { page_size: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (page) => cursorOf(page.next),
  });
  const rows = log.data?.pages.flatMap((p) => p.results) ?? [];
  return (
    <div className="a-page adm">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{t("subtitle")}</p>
        </div>
      </div>
      <section className="a-card adm__card" aria-labelledby="audit-list">
        <h2 id="audit-list" className="a-visually-hidden">
          {t("title")}
        </h2>
        {log.isPending ? (
          <PageLoading />
        ) : log.isError ? (
          <ErrorAlert error={log.error} />
        ) : rows.length === 0 ? (
          <p className="a-empty">{t("empty")}</p>
        ) : (
          <table className="adm__table">
            <thead>
              <tr>
                <th scope="col">{t("at")}</th>
                <th scope="col">{t("actor")}</th>
                <th scope="col">{t("action")}</th>
                <th scope="col">{t("reason")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>{fmt.dateTime(row.at)}</td>
                  <td>
                    {row.actor} <span className="adm__muted">({t(`kinds.${row.actor_kind}`)})</span>
                  </td>
                  <td>{t(`actions.${row.action}`, { defaultValue: row.action })}</td>
                  <td>{row.reason || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {log.hasNextPage && (
          <Button onClick={() => void log.fetchNextPage()} busy={log.isFetchingNextPage}>
            {t("more")}
          </Button>
        )}
      </section>
    </div>
  );
}
