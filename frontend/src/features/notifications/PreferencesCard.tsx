import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert, Button, ErrorAlert, fieldErrors, Spinner } from "@/shared/ui";
import { type Channel, getPreferences, type Preferences, preferencesKey, savePreferences } from "./preferencesApi";

const CHANNELS: Channel[] = ["in_app", "email"];

/**
 * The profile page's notification settings: which kinds reach me in the app and by e-mail
 * (a channel the account turned off is shown off and cannot be chosen), quiet hours (mail waits
 * until they end) and how often the digest comes. The API checks everything (400 per field).
 */
export function PreferencesCard() {
  const { t } = useTranslation("notifications");
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: preferencesKey, queryFn: getPreferences });
  const [draft, setDraft] = useState<Preferences | undefined>();
  useEffect(() => {
    if (query.data) setDraft(query.data);
  }, [query.data]);
  const mutation = useMutation({
    mutationFn: savePreferences,
    onSuccess: (saved) => queryClient.setQueryData(preferencesKey, saved),
  });

  const kinds = useMemo(() => {
    const out: { kind: string; label: string }[] = [];
    for (const row of draft?.preferences ?? []) if (!out.some((k) => k.kind === row.kind)) out.push(row);
    return out;
  }, [draft]);

  if (query.isPending) return <Spinner />;
  if (query.error || !draft) return <ErrorAlert error={query.error} />;

  const row = (kind: string, channel: Channel) => draft.preferences.find((p) => p.kind === kind && p.channel === channel);
  const toggle = (kind: string, channel: Channel, enabled: boolean) =>
    setDraft({ ...draft, preferences: draft.preferences.map((p) => (p.kind === kind && p.channel === channel ? { ...p, enabled } : p)) });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate({
      preferences: draft.preferences.map(({ kind, channel, enabled }) => ({ kind, channel, enabled })),
      quiet_hours: draft.quiet_hours,
      digest: draft.digest,
    });
  };

  return (
    <section className="a-card profile__card a-notif-prefs" aria-labelledby="notification-preferences">
      <h2 id="notification-preferences">{t("prefs.title")}</h2>
      <p className="profile__hint">{t("prefs.hint")}</p>
      {mutation.isSuccess && <Alert tone="success">{t("prefs.saved")}</Alert>}
      <ErrorAlert error={mutation.error} shownFields={["quiet_hours"]} />
      <form className="a-form" onSubmit={onSubmit} noValidate>
        <table className="a-notif-prefs__table">
          <thead>
            <tr>
              <th scope="col">{t("prefs.kind")}</th>
              {CHANNELS.map((c) => (
                <th scope="col" key={c}>
                  {t(`prefs.channel.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {kinds.map(({ kind, label }) => (
              <tr key={kind}>
                <th scope="row">{label}</th>
                {CHANNELS.map((channel) => {
                  const r = row(kind, channel);
                  if (!r) return <td key={channel}>—</td>;
                  const off = !r.account_enabled;
                  return (
                    <td key={channel}>
                      <input
                        type="checkbox"
                        aria-label={`${label}: ${t(`prefs.channel.${channel}`)}${off ? ` (${t("prefs.accountOff")})` : ""}`}
                        checked={r.enabled && !off}
                        disabled={off}
                        onChange={(e) => toggle(kind, channel, e.target.checked)}
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        <fieldset className="a-notif-prefs__quiet">
          <legend>{t("prefs.quiet")}</legend>
          <label className="a-notif-prefs__inline">
            <input
              type="checkbox"
              checked={draft.quiet_hours !== null}
              onChange={(e) => setDraft({ ...draft, quiet_hours: e.target.checked ? { start: "22:00", end: "07:00" } : null })}
            />
            {t("prefs.quietOn")}
          </label>
          {draft.quiet_hours && (
            <div className="a-notif-prefs__times">
              <label>
                {t("prefs.from")}
                <input
                  type="time"
                  value={draft.quiet_hours.start}
                  onChange={(e) => setDraft({ ...draft, quiet_hours: { ...draft.quiet_hours!, start: e.target.value } })}
                />
              </label>
              <label>
                {t("prefs.until")}
                <input
                  type="time"
                  value={draft.quiet_hours.end}
                  onChange={(e) => setDraft({ ...draft, quiet_hours: { ...draft.quiet_hours!, end: e.target.value } })}
                />
              </label>
            </div>
          )}
          {fieldErrors(mutation.error, "quiet_hours")?.map((m) => (
            <p key={m} className="a-field__error">
              {m}
            </p>
          ))}
          <p className="profile__hint">{t("prefs.quietHint")}</p>
        </fieldset>
        <label className="a-notif-prefs__inline">
          {t("prefs.digest")}
          <select value={draft.digest} onChange={(e) => setDraft({ ...draft, digest: e.target.value as Preferences["digest"] })}>
            <option value="hourly">{t("prefs.hourly")}</option>
            <option value="daily">{t("prefs.daily")}</option>
          </select>
        </label>
        <div className="a-form__actions">
          <Button type="submit" variant="primary" busy={mutation.isPending}>
            {t("prefs.save")}
          </Button>
        </div>
      </form>
    </section>
  );
}
