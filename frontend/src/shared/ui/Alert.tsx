import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "@/api/client";
import { NETWORK_ERROR } from "@/api/errors";

type Tone = "error" | "success" | "info" | "warning";

/** Errors are announced at once (role=alert); other notices politely (role=status). */
export function Alert({ tone = "info", title, children }: { tone?: Tone; title?: ReactNode; children?: ReactNode }) {
  return (
    <div className={`a-alert a-alert--${tone}`} role={tone === "error" ? "alert" : "status"}>
      {title && <p className="a-alert__title">{title}</p>}
      {children && <div className="a-alert__body">{children}</div>}
    </div>
  );
}

/**
 * Shows what the API said about a failed request: its `detail` (already in the UI language:
 * the client sends Accept-Language), messages for fields the form does not show, and the
 * request id when the server gave one.
 */
export function ErrorAlert({ error, shownFields = [], title }: { error: unknown; shownFields?: string[]; title?: ReactNode }) {
  const { t } = useTranslation("shared");
  if (!error) return null;
  if (!isApiError(error)) return <Alert tone="error">{t("errors.unexpected")}</Alert>;
  if (error.code === NETWORK_ERROR) return <Alert tone="error">{t("errors.network")}</Alert>;
  const other = Object.entries(error.fields).filter(([name]) => !shownFields.includes(name));
  const detail = error.detail || t("errors.unexpected");
  return (
    <Alert tone="error" title={title}>
      <p>{detail}</p>
      {other.length > 0 && (
        <ul>
          {other.flatMap(([name, messages]) =>
            messages.map((message) => <li key={`${name}:${message}`}>{message}</li>),
          )}
        </ul>
      )}
      {error.requestId && <p className="a-alert__meta">{t("errors.requestId", { id: error.requestId })}</p>}
    </Alert>
  );
}

/** The API's messages for one field of a failed request (for TextField `errors`). */
export function fieldErrors(error: unknown, name: string): string[] | undefined {
  if (!isApiError(error)) return undefined;
  const messages = error.fieldErrors(name);
  return messages.length ? messages : undefined;
}
