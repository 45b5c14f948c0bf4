import { Link, useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { Alert } from "@/shared/ui";
import { confirmPasswordReset } from "./api";
import { AuthLayout } from "./AuthLayout";
import { NewPasswordForm } from "./NewPasswordForm";

/** /app/reset-password?uid=..&token=.. (the link in the reset mail). */
export default function ResetPasswordPage() {
  const { t } = useTranslation("auth");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const uid = params.get("uid") ?? "";
  const token = params.get("token") ?? "";
  const requestNew = (
    <p>
      <Link to="/forgot-password">{t("reset.requestNew")}</Link>
    </p>
  );
  const back = <Link to="/sign-in">{t("forgot.back")}</Link>;

  return (
    <AuthLayout title={t("reset.title")} intro={uid && token ? t("reset.intro") : undefined} footer={back}>
      {uid && token ? (
        <NewPasswordForm
          uid={uid}
          token={token}
          submit={confirmPasswordReset}
          submitLabel={t("reset.submit")}
          linkHelp={requestNew}
          onDone={() => navigate("/sign-in", { replace: true, state: { notice: "passwordReset" } })}
        />
      ) : (
        <>
          <Alert tone="error" title={t("link.invalidTitle")}>
            {t("link.incomplete")}
          </Alert>
          {requestNew}
        </>
      )}
    </AuthLayout>
  );
}
