import { useEffect } from "react";
import { Outlet } from "react-router";
import { useTranslation } from "react-i18next";
import { AuthBrandContext } from "@/features/auth/brand";
import { isLanguage, storedLanguage } from "@/shared/i18n";
import { applyBranding, useBranding } from "./branding";

/**
 * The signed-out pages (sign-in, forgot and reset password, first password from an invitation) in
 * the account's look: its colours on <html>, its name and logo above the card, and its name in
 * the pages' titles ("Welcome to <account>", not the product's). The language is this browser's
 * last choice, else the account's default.
 */
export function PublicLayout() {
  const { data: branding } = useBranding();
  const { i18n, t } = useTranslation("portal");
  useEffect(() => applyBranding(branding), [branding]);
  useEffect(() => {
    if (branding && !storedLanguage() && isLanguage(branding.language) && i18n.language !== branding.language) {
      void i18n.changeLanguage(branding.language);
    }
  }, [branding, i18n]);
  const name = branding?.portal_name || branding?.name;
  return (
    <div className="portal-public">
      {name && (
        <div className="portal-public__brand">
          {branding?.logo_url ? <img src={branding.logo_url} alt="" className="portal-brand__logo" /> : null}
          <span className="portal-public__name">{name}</span>
          {branding?.welcome_text && <span className="portal-public__welcome">{branding.welcome_text}</span>}
        </div>
      )}
      {!name && <span className="a-visually-hidden">{t("portalName")}</span>}
      <AuthBrandContext.Provider value={name || undefined}>
        <Outlet />
      </AuthBrandContext.Provider>
    </div>
  );
}
