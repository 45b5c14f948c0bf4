import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { Alert, Button, ErrorAlert, fieldErrors, TextField } from "@/shared/ui";
import { requestPasswordReset } from "./api";
import { AuthLayout } from "./AuthLayout";

/** /app/forgot-password: the API always answers 202 (it never says whether the e-mail is known). */
export default function ForgotPasswordPage() {
  const { t } = useTranslation("auth");
  const location = useLocation();
  const [email, setEmail] = useState((location.state as { email?: string } | null)?.email ?? "");
  const mutation = useMutation({ mutationFn: requestPasswordReset });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate({ email: email.trim() });
  };

  const back = (
    <Link to="/sign-in" state={{ email }}>
      {t("forgot.back")}
    </Link>
  );

  if (mutation.isSuccess) {
    return (
      <AuthLayout title={t("forgot.sentTitle")} footer={back}>
        <Alert tone="success">{t("forgot.sent", { email: mutation.variables?.email })}</Alert>
        <p className="auth-card__intro">{t("forgot.sentHint")}</p>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t("forgot.title")} intro={t("forgot.intro")} footer={back}>
      <ErrorAlert error={mutation.error} shownFields={["email"]} />
      <form className="a-form" onSubmit={onSubmit} noValidate>
        <TextField
          label={t("fields.email")}
          type="email"
          name="email"
          autoComplete="username"
          inputMode="email"
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          errors={fieldErrors(mutation.error, "email")}
        />
        <Button type="submit" variant="primary" block busy={mutation.isPending}>
          {t("forgot.submit")}
        </Button>
      </form>
    </AuthLayout>
  );
}
