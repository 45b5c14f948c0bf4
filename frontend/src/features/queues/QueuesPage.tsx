import { useTranslation } from "react-i18next";
import { usePageTitle } from "@/shared/ui";

/**
 * Placeholder: the queue table (@tanstack/react-table over GET /api/v1/tickets/, live through
 * useLive({topic: "queue"})) replaces this page.
 */
export default function QueuesPage() {
  const { t } = useTranslation("queues");
  usePageTitle(t("title"));
  return (
    <div className="a-page">
      <div className="a-page__header">
        <h1>{t("title")}</h1>
      </div>
      <div className="a-card a-empty">{t("placeholder")}</div>
    </div>
  );
}
