import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { browserLanguage, type Language, pickLanguage, storedLanguage, storeLanguage } from "@/shared/i18n";
import type { Me } from "./api";
import { useSessionOptional } from "./SessionContext";

/** Put the UI in the person's language once /me/ is known. */
export function useSessionLanguage(me: Me | null | undefined): void {
  const { i18n } = useTranslation();
  useEffect(() => {
    if (!me) return;
    const language = pickLanguage({
      chosen: storedLanguage(me.user.id),
      person: me.user.language,
      account: me.account.language,
      browser: browserLanguage(),
    });
    if (i18n.language !== language) void i18n.changeLanguage(language);
  }, [me, i18n]);
}

/**
 * Switch the language. The API has no endpoint for a person to change their own `language` yet
 * (PATCH /people/{id}/ is the account admin's), so the choice is kept in this browser.
 */
export function useChangeLanguage(): (language: Language) => Promise<void> {
  const { i18n } = useTranslation();
  const userId = useSessionOptional()?.user.id;
  return async (language) => {
    storeLanguage(language, userId);
    await i18n.changeLanguage(language);
  };
}
