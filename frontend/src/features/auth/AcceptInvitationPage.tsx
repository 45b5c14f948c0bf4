import { Link, useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { Alert } from "@/shared/ui";
import { acceptInvitation } from "./api";
import { AuthLayout } from "./AuthLayout";
import { useAuthBrand } from "./brand";
import { NewPasswordForm } from "./NewPasswordForm";

/**
 * /app/accept-invitation?uid=..&token=.. (the link in the invitation mail): the first password.
 * The API answers 204 without signing in, so the person signs in next.
 */
export default function AcceptInvitationPage() {
  const { t } = useTranslation("auth");
  const brand = useAuthBrand();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const uid = params.get("uid") ?? "";
  const token = params.get("token") ?? "";
  const askAdmin = <p className="auth-card__intro">{t("invitation.askAdmin")}</p>;
  const back = <Link to="/sign-in">{t("forgot.back")}</Link>;

  return (
    <AuthLayout title={brand ? t("invitation.titleFor", { name: brand }) : t("invitation.title")} intro={uid && token ? t("invitation.intro") : undefined} footer={back}>
      {uid && token ? (
        <NewPasswordForm
          uid={uid}
          token={token}
          submit={acceptInvitation}
          submitLabel={t("invitation.submit")}
          linkHelp={askAdmin}
          onDone={() => navigate("/sign-in", { replace: true, state: { notice: "invitationAccepted" } })}
        />
      ) : (
        <>
          <Alert tone="error" title={t("link.invalidTitle")}>
            {t("link.incomplete")}
          </Alert>
          {askAdmin}
        </>
      )}
    </AuthLayout>
  );
}
