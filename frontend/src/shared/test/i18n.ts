import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { type Catalogue, parseCataloguePath } from "@/shared/i18n/catalogues";

/** Every catalogue, loaded eagerly (tests render synchronously, without Suspense). */
export const allCatalogues = import.meta.glob<Catalogue>("/src/**/locales/*.json", { eager: true, import: "default" });

export function resources(): Record<string, Record<string, Catalogue>> {
  const out: Record<string, Record<string, Catalogue>> = {};
  for (const [path, catalogue] of Object.entries(allCatalogues)) {
    const parsed = parseCataloguePath(path);
    if (!parsed) continue;
    const [namespace, language] = parsed;
    (out[language] ??= {})[namespace] = catalogue;
  }
  return out;
}

export async function initTestI18n(language = "en") {
  if (!i18next.isInitialized) {
    await i18next.use(initReactI18next).init({
      lng: language,
      resources: resources(),
      defaultNS: "shared",
      fallbackNS: "shared",
      interpolation: { escapeValue: false },
      react: { useSuspense: false },
    });
  } else {
    await i18next.changeLanguage(language);
  }
  return i18next;
}
