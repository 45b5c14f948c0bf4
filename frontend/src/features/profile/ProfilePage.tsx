import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { PreferencesCard } from "@/features/notifications";
import { useSession } from "@/shared/session/SessionContext";
import { Alert, Button, ErrorAlert, fieldErrors, LanguageSwitch, TextField, usePageTitle } from "@/shared/ui";
import { changePassword } from "./api";
import "./profile.css";

/** /app/profile: who I am, my language, my password. */
export default function ProfilePage() {
  const { t } = useTranslation("profile");
  const { user, account } = useSession();
  usePageTitle(t("title"));
  return (
    <div className="a-page profile">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{account.name}</p>
        </div>
      </div>
      <div className="profile__grid">
        <section className="a-card profile__card" aria-labelledby="profile-person">
          <h2 id="profile-person">{t("person.title")}</h2>
          <dl className="profile__facts">
            <dt>{t("person.name")}</dt>
            <dd>{user.full_name || "—"}</dd>
            <dt>{t("person.email")}</dt>
            <dd>{user.email}</dd>
            <dt>{t("person.role")}</dt>
            <dd>{t(`shared:roles.${user.role}`, { defaultValue: user.role })}</dd>
          </dl>
        </section>
        <section className="a-card profile__card" aria-labelledby="profile-language">
          <h2 id="profile-language">{t("language.title")}</h2>
          <p className="profile__hint">{t("language.hint")}</p>
          <LanguageSwitch compact />
        </section>
        <PasswordCard />
        <PreferencesCard />
      </div>
    </div>
  );
}

function PasswordCard() {
  const { t } = useTranslation("profile");
  const [oldPassword, setOldPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const mutation = useMutation({
    mutationFn: changePassword,
    onSuccess: () => {
      setOldPassword("");
      setNewPassword("");
      setRepeat("");
    },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (newPassword !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    mutation.mutate({ old_password: oldPassword, new_password: newPassword });
  };

  return (
    <section className="a-card profile__card" aria-labelledby="profile-password">
      <h2 id="profile-password">{t("password.title")}</h2>
      <p className="profile__hint">{t("password.hint")}</p>
      {mutation.isSuccess && <Alert tone="success">{t("password.done")}</Alert>}
      <ErrorAlert error={mutation.error} shownFields={["old_password", "new_password"]} />
      <form className="a-form" onSubmit={onSubmit} noValidate>
        <TextField
          label={t("password.old")}
          type="password"
          autoComplete="current-password"
          value={oldPassword}
          onChange={(e) => setOldPassword(e.target.value)}
          errors={fieldErrors(mutation.error, "old_password")}
        />
        <TextField
          label={t("password.new")}
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(e) => setNewPassword(e.target.value)}
          errors={fieldErrors(mutation.error, "new_password")}
        />
        <TextField
          label={t("password.repeat")}
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          errors={mismatch ? [t("password.mismatch")] : undefined}
        />
        <div className="a-form__actions">
          <Button type="submit" variant="primary" busy={mutation.isPending}>
            {t("password.submit")}
          </Button>
        </div>
      </form>
    </section>
  );
}
