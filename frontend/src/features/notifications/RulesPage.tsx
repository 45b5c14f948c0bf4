import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert, Button, ErrorAlert, PageLoading, usePageTitle } from "@/shared/ui";
import type { Channel } from "./preferencesApi";
import { getRules, type RuleRow, rulesKey, saveRules } from "./rulesApi";
import "./notifications.css";

const CHANNELS: Channel[] = ["in_app", "email"];

/** /app/admin/notifications: which events reach people by which channel, and which e-mails wait for the digest. */
export default function RulesPage() {
  const { t } = useTranslation("notifications");
  usePageTitle(t("rules.title"));
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: rulesKey, queryFn: getRules });
  const [draft, setDraft] = useState<RuleRow[] | undefined>();
  useEffect(() => {
    if (query.data) setDraft(query.data);
  }, [query.data]);
  const mutation = useMutation({ mutationFn: saveRules, onSuccess: (rows) => queryClient.setQueryData(rulesKey, rows) });

  if (query.isPending || (!draft && !query.error)) return <PageLoading />;
  const rows = draft ?? [];
  const kinds = rows.filter((r, i) => rows.findIndex((x) => x.kind === r.kind) === i);
  const find = (kind: string, channel: Channel) => rows.find((r) => r.kind === kind && r.channel === channel);
  const set = (kind: string, channel: Channel, change: Partial<RuleRow>) =>
    setDraft(rows.map((r) => (r.kind === kind && r.channel === channel ? { ...r, ...change } : r)));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate(rows.map(({ kind, channel, enabled, digest }) => ({ kind, channel, enabled, digest })));
  };

  return (
    <div className="a-page">
      <div className="a-page__header">
        <div>
          <h1>{t("rules.title")}</h1>
          <p className="a-page__subtitle">{t("rules.subtitle")}</p>
        </div>
      </div>
      <ErrorAlert error={query.error ?? mutation.error} />
      {mutation.isSuccess && <Alert tone="success">{t("rules.saved")}</Alert>}
      <form className="a-card a-form a-notif-prefs" onSubmit={onSubmit} noValidate>
        <table className="a-notif-prefs__table">
          <thead>
            <tr>
              <th scope="col">{t("prefs.kind")}</th>
              {CHANNELS.map((c) => (
                <th scope="col" key={c}>
                  {t(`prefs.channel.${c}`)}
                </th>
              ))}
              <th scope="col">{t("rules.digest")}</th>
            </tr>
          </thead>
          <tbody>
            {kinds.map(({ kind, label }) => {
              const email = find(kind, "email");
              return (
                <tr key={kind}>
                  <th scope="row">{label}</th>
                  {CHANNELS.map((channel) => {
                    const r = find(kind, channel);
                    return (
                      <td key={channel}>
                        {r ? (
                          <input
                            type="checkbox"
                            aria-label={`${label}: ${t(`prefs.channel.${channel}`)}`}
                            checked={r.enabled}
                            onChange={(e) => set(kind, channel, { enabled: e.target.checked })}
                          />
                        ) : (
                          "—"
                        )}
                      </td>
                    );
                  })}
                  <td>
                    {email ? (
                      <input
                        type="checkbox"
                        aria-label={`${label}: ${t("rules.digest")}`}
                        checked={email.digest}
                        disabled={!email.enabled}
                        onChange={(e) => set(kind, "email", { digest: e.target.checked })}
                      />
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <p className="profile__hint">{t("rules.hint")}</p>
        <div className="a-form__actions">
          <Button type="submit" variant="primary" busy={mutation.isPending}>
            {t("prefs.save")}
          </Button>
        </div>
      </form>
    </div>
  );
}
