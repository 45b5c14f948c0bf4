import { useTranslation } from "react-i18next";
import { isApiError } from "@/api/client";
import { Alert, ErrorAlert } from "@/shared/ui";

/** A failed load: "not allowed" for the API's 403 (it decides who plans maintenance), else its message. */
export function LoadError({ error }: { error: unknown }) {
  const { t } = useTranslation("maintenance");
  if (!error) return null;
  if (isApiError(error) && error.status === 403) {
    return (
      <Alert tone="warning" title={t("forbidden.title")}>
        <p>{error.detail || t("forbidden.body")}</p>
      </Alert>
    );
  }
  return <ErrorAlert error={error} />;
}

export function isForbidden(error: unknown): boolean {
  return isApiError(error) && error.status === 403;
}
