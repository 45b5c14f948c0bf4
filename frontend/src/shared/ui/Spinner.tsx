import { useTranslation } from "react-i18next";

export function Spinner({ size = "md", decorative = false }: { size?: "sm" | "md"; decorative?: boolean }) {
  return <span className={`a-spinner a-spinner--${size}`} aria-hidden={decorative || undefined} />;
}

/** A centred "Loading…" for a page or a panel (announced politely). */
export function PageLoading({ label }: { label?: string }) {
  const { t } = useTranslation("shared");
  return (
    <div className="a-page-loading" role="status">
      <Spinner decorative />
      <span>{label ?? t("loading")}</span>
    </div>
  );
}
