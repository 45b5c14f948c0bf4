import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { appRouterPath, fullPageNavigate } from "@/shared/navigation";
import { meQueryKey } from "@/shared/session/api";
import { afterSignIn } from "@/shared/session/roles";
import { Alert, Button, ErrorAlert, fieldErrors, TextField } from "@/shared/ui";
import { signIn } from "./api";
import { AuthLayout } from "./AuthLayout";

export type AuthNotice = "passwordReset" | "invitationAccepted" | "signedOut";

/** /app/sign-in: e-mail and password → a browser session; then `?next=` or the role's home. */
export default function SignInPage() {
  const { t } = useTranslation("auth");
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const notice = (location.state as { notice?: AuthNotice } | null)?.notice;
  const [email, setEmail] = useState((location.state as { email?: string } | null)?.email ?? "");
  const [password, setPassword] = useState("");

  const mutation = useMutation({
    mutationFn: signIn,
    onSuccess: (person) => {
      queryClient.removeQueries({ queryKey: meQueryKey });
      const target = afterSignIn(person.role, params.get("next"));
      const inApp = appRouterPath(target);
      if (inApp) navigate(inApp, { replace: true });
      else fullPageNavigate(target);
    },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate({ email: email.trim(), password });
  };

  return (
    <AuthLayout title={t("signIn.title")} intro={t("signIn.intro")}>
      {notice && !mutation.error && <Alert tone="success">{t(`notice.${notice}`)}</Alert>}
      <ErrorAlert error={mutation.error} shownFields={["email", "password"]} />
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
        <TextField
          label={t("fields.password")}
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          errors={fieldErrors(mutation.error, "password")}
        />
        <Button type="submit" variant="primary" block busy={mutation.isPending}>
          {t("signIn.submit")}
        </Button>
        <div className="auth-card__row">
          <Link to="/forgot-password" state={{ email }}>
            {t("signIn.forgot")}
          </Link>
        </div>
      </form>
    </AuthLayout>
  );
}
