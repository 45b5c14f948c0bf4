import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert, Button, ErrorAlert, fieldErrors, TextField } from "@/shared/ui";
import { daysFromInput, useDeskSettings, useSaveDeskSettings } from "./deskSettings";

/** The account's default auto-confirmation days, on the ticket types screen (types may override it). */
export function AutoConfirmCard() {
  const { t } = useTranslation("admin");
  const settings = useDeskSettings();
  return (
    <section className="a-card admin-section" aria-labelledby="desk-auto-confirm">
      <h2 id="desk-auto-confirm">{t("autoConfirm.title")}</h2>
      <p className="admin-hint">{t("autoConfirm.hint")}</p>
      <ErrorAlert error={settings.error} />
      {/* not keyed by the value: a save must not remount the form (its "Saved." would vanish) */}
      {settings.data && <AutoConfirmForm days={settings.data.auto_confirm_days} />}
    </section>
  );
}

function AutoConfirmForm({ days }: { days: number }) {
  const { t } = useTranslation("admin");
  const save = useSaveDeskSettings();
  const [text, setText] = useState(String(days));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // an empty box is sent as it is: the API says what it wants (a number of days)
    save.mutate({ auto_confirm_days: daysFromInput(text) as number });
  };
  return (
    <form className="a-form" onSubmit={submit} noValidate>
      <ErrorAlert error={save.error} shownFields={["auto_confirm_days"]} />
      <TextField
        label={t("autoConfirm.days")}
        type="number"
        inputMode="numeric"
        min={0}
        max={365}
        value={text}
        onChange={(e) => setText(e.target.value)}
        errors={fieldErrors(save.error, "auto_confirm_days")}
        hint={t("autoConfirm.daysHint")}
      />
      <div className="a-form__actions">
        <Button type="submit" variant="primary" size="sm" busy={save.isPending}>
          {t("save")}
        </Button>
      </div>
      {save.isSuccess && !save.isPending && <Alert tone="success">{t("autoConfirm.saved")}</Alert>}
    </form>
  );
}
