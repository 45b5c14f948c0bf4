import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { usePageTitle } from "@/shared/ui";

export function NotFoundPage() {
  const { t } = useTranslation("shared");
  usePageTitle(t("notFound.title"));
  return (
    <div className="a-page">
      <h1>{t("notFound.title")}</h1>
      <p className="a-page__subtitle">{t("notFound.text")}</p>
      <p style={{ marginTop: 16 }}>
        <Link to="/">{t("notFound.home")}</Link>
      </p>
    </div>
  );
}
