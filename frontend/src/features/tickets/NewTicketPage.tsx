import { useTranslation } from "react-i18next";
import { usePageTitle } from "@/shared/ui";

/** Placeholder: the form over GET /ticket-types/?fileable=1 and POST /tickets/ replaces this page. */
export default function NewTicketPage() {
  const { t } = useTranslation("tickets");
  usePageTitle(t("new.title"));
  return (
    <div className="a-page">
      <div className="a-page__header">
        <h1>{t("new.title")}</h1>
      </div>
      <div className="a-card a-empty">{t("new.placeholder")}</div>
    </div>
  );
}
