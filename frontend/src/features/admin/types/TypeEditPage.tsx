import { useTranslation } from "react-i18next";
import { usePageTitle } from "@/shared/ui";

export default function Placeholder() {
  const { t } = useTranslation("admin");
  usePageTitle(t("title"));
  return (
    <div className="a-page">
      <h1>{t("title")}</h1>
    </div>
  );
}
