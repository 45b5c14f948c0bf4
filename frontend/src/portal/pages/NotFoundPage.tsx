import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { usePageTitle } from "@/shared/ui";

export default function NotFoundPage() {
  const { t } = useTranslation("portal");
  usePageTitle(t("notFound.title"));
  return (
    <section className="portal-page a-card portal-pad">
      <h1>{t("notFound.title")}</h1>
      <p className="portal-muted">{t("notFound.text")}</p>
      <Link to="/">{t("notFound.home")}</Link>
    </section>
  );
}
