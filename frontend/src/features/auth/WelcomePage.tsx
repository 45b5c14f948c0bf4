import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { ApiError } from "@/api/errors";
import { appRouterPath, fullPageNavigate } from "@/shared/navigation";
import { meQueryKey } from "@/shared/session/api";
import { afterSignIn } from "@/shared/session/roles";
import { Alert, ErrorAlert, PageLoading } from "@/shared/ui";
import { signInWithWelcomeLink } from "./api";
import { AuthLayout } from "./AuthLayout";

/**
 * /app/welcome?uid=..&token=.. (the link a sign-up answers with): signs the new account's admin in
 * once, without typing the password again, and opens their home. A used, foreign or old link says
 * so and offers the sign-in page.
 */
export default function WelcomePage() {
  const { t } = useTranslation("auth");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const uid = params.get("uid") ?? "";
  const token = params.get("token") ?? "";
  const sent = useRef(false);

  const mutation = useMutation({
    mutationFn: signInWithWelcomeLink,
    onSuccess: (person) => {
      queryClient.removeQueries({ queryKey: meQueryKey });
      const target = afterSignIn(person.role, null);
      const inApp = appRouterPath(target);
      if (inApp) navigate(inApp, { replace: true });
      else fullPageNavigate(target);
    },
  });
  const { mutate } = mutation;

  useEffect(() => {
    if (!uid || !token || sent.current) return; // the link works once: never send it twice
    sent.current = true;
    mutate({ uid, token });
  }, [uid, token, mutate]);

  const code = mutation.error instanceof ApiError ? mutation.error.code : "";
  const signIn = <Link to="/sign-in">{t("welcome.signIn")}</Link>;
  if (!uid || !token) {
    return (
      <AuthLayout title={t("welcome.title")} footer={signIn}>
        <Alert tone="error" title={t("link.invalidTitle")}>
          {t("link.incomplete")}
        </Alert>
      </AuthLayout>
    );
  }
  if (mutation.isError) {
    const title = code === "link_expired" ? t("link.expiredTitle") : t("link.invalidTitle");
    return (
      <AuthLayout title={t("welcome.title")} footer={signIn}>
        {code === "link_expired" || code === "link_invalid" ? (
          <Alert tone="error" title={title}>
            {t("welcome.usePassword")}
          </Alert>
        ) : (
          <ErrorAlert error={mutation.error} />
        )}
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title={t("welcome.title")} intro={t("welcome.intro")}>
      <PageLoading />
    </AuthLayout>
  );
}
