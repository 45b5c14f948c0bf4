import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "@/api/client";
import { useDateFormat } from "@/shared/format/datetime";
import { Button, ErrorAlert, PageLoading, usePageTitle } from "@/shared/ui";
import "../adminScreens.css";

const tokensKey = ["admin", "tokens"] as const;

/** /app/admin/tokens: the account's API tokens (who, issued, expiry) and revoking one. */
export default function TokensPage() {
  const { t } = useTranslation("tokens");
  usePageTitle(t("title"));
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: tokensKey, queryFn: () => unwrap(api.GET("/api/v1/auth/tokens/issued/")) });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/auth/tokens/issued/{token_id}/", { params: { path: { token_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKey }),
  });
  return (
    <div className="a-page adm">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{t("subtitle")}</p>
        </div>
      </div>
      <section className="a-card adm__card" aria-labelledby="tokens-list">
        <h2 id="tokens-list" className="a-visually-hidden">
          {t("title")}
        </h2>
        <ErrorAlert error={revoke.error} />
        {tokens.isPending ? (
          <PageLoading />
        ) : tokens.isError ? (
          <ErrorAlert error={tokens.error} />
        ) : tokens.data.length === 0 ? (
          <p className="a-empty">{t("empty")}</p>
        ) : (
          <table className="adm__table">
            <thead>
              <tr>
                <th scope="col">{t("person")}</th>
                <th scope="col">{t("id")}</th>
                <th scope="col">{t("created")}</th>
                <th scope="col">{t("expiry")}</th>
                <th scope="col">
                  <span className="a-visually-hidden">{t("actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <tr key={token.id}>
                  <td>
                    <div className="adm__strong">{token.person.full_name || token.person.email}</div>
                    <div className="adm__muted">{token.person.email}</div>
                  </td>
                  <td>
                    <code>{token.id}</code>
                    {token.current && <span className="adm__badge">{t("current")}</span>}
                  </td>
                  <td>{fmt.dateTime(token.created)}</td>
                  <td>{token.expiry ? fmt.dateTime(token.expiry) : t("never")}</td>
                  <td className="adm__actions">
                    <Button
                      size="sm"
                      variant="danger"
                      busy={revoke.isPending && revoke.variables === token.id}
                      onClick={() => revoke.mutate(token.id)}
                      aria-label={t("revokeOf", { name: token.person.full_name || token.person.email, id: token.id })}
                    >
                      {t("revoke")}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
