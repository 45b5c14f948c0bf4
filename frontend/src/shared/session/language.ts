import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "@/api/client";
import { browserLanguage, type Language, pickLanguage, storeLanguage } from "@/shared/i18n";
import { type Me, meQueryKey } from "./api";
import { useSessionOptional } from "./SessionContext";

/** Put the UI in the person's language once /me/ is known. */
export function useSessionLanguage(me: Me | null | undefined): void {
  const { i18n } = useTranslation();
  useEffect(() => {
    if (!me) return;
    // the person's own language is kept by the API (PATCH /me/): it wins over this browser's
    const language = pickLanguage({
      person: me.user.language,
      account: me.account.language,
      browser: browserLanguage(),
    });
    if (i18n.language !== language) void i18n.changeLanguage(language);
  }, [me, i18n]);
}

/**
 * Switch the language. Signed in, it is saved as the person's own (`PATCH /api/v1/me/`), so the
 * web app, e-mails and messages speak it everywhere; signed out, this browser remembers it.
 */
export function useChangeLanguage(): (language: Language) => Promise<void> {
  const { i18n } = useTranslation();
  const queryClient = useQueryClient();
  const signedIn = useSessionOptional() !== null;
  return async (language) => {
    storeLanguage(language);
    if (signedIn) {
      const me = await unwrap(api.PATCH("/api/v1/me/", { body: { language } }));
      queryClient.setQueryData(meQueryKey, me);
    }
    await i18n.changeLanguage(language);
  };
}
