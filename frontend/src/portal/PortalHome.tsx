import { useTranslation } from "react-i18next";
import { useSession } from "@/shared/session/SessionContext";
import { LanguageSwitch, usePageTitle } from "@/shared/ui";

export default function PortalHome() {
  const { t } = useTranslation("portal");
  const { user, account } = useSession();
  usePageTitle(account.name);
  return (
    <section className="portal-welcome a-card" data-portal-ready="">
      <h1>{t("welcome", { name: user.full_name || user.email })}</h1>
      <p className="portal-muted">{t("intro", { account: account.name })}</p>
      <LanguageSwitch />
    </section>
  );
}
