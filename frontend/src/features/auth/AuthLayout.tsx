import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitch, usePageTitle } from "@/shared/ui";
import { useAuthBrand } from "./brand";
import "./auth.css";

/** The card the signed-out pages sit in. */
export function AuthLayout({ title, intro, children, footer }: { title: string; intro?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  const { t } = useTranslation("auth");
  const brand = useAuthBrand();
  usePageTitle(title, brand ?? t("shared:brand"));
  return (
    <div className="auth-page">
      <header className="auth-page__top">
        <div className="auth-brand">
          <span className="auth-brand__logo" aria-hidden="true">
            A
          </span>
          <span>{t("shared:brand")}</span>
        </div>
        <LanguageSwitch compact />
      </header>
      <main className="auth-page__main">
        <div className="auth-card a-card">
          <h1 className="auth-card__title">{title}</h1>
          {intro && <p className="auth-card__intro">{intro}</p>}
          {children}
        </div>
        {footer && <div className="auth-page__footer">{footer}</div>}
      </main>
    </div>
  );
}
