/**
 * i18next for both entries. Use it in components through react-i18next:
 *
 *   const { t } = useTranslation("auth");      // the feature's namespace (its folder name)
 *   t("signIn.title");  t("shared:actions.save");
 *
 * Language order (decided in `pickLanguage`): signed in, the person's own `language` from
 * /api/v1/me/ (they change it with PATCH /me/), the account's, then the browser's; signed out, the
 * last choice made in this browser, then the browser's.
 */
import i18next, { type BackendModule, type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";
import { setApiLanguage } from "@/api/client";
import { LANGUAGES, type Language, loadCatalogue } from "./catalogues";

export { LANGUAGES, type Language };

const lazyCatalogues: BackendModule = {
  type: "backend",
  init() {},
  read(language, namespace, callback) {
    loadCatalogue(language, namespace).then(
      (data) => callback(null, data),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), false),
    );
  },
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

const STORAGE_KEY = "atrium.language";

function storageKey(userId?: number): string {
  return userId == null ? STORAGE_KEY : `${STORAGE_KEY}.${userId}`;
}

/** The language chosen in this browser (per signed-in person; `undefined` user = signed out). */
export function storedLanguage(userId?: number): Language | undefined {
  try {
    const value = globalThis.localStorage?.getItem(storageKey(userId));
    return isLanguage(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function storeLanguage(language: Language, userId?: number): void {
  try {
    globalThis.localStorage?.setItem(storageKey(userId), language);
    globalThis.localStorage?.setItem(STORAGE_KEY, language); // the sign-in page remembers the last one
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

export function browserLanguage(): Language | undefined {
  const candidates = globalThis.navigator?.languages ?? [globalThis.navigator?.language];
  for (const tag of candidates) {
    const base = tag?.slice(0, 2).toLowerCase();
    if (isLanguage(base)) return base;
  }
  return undefined;
}

export function pickLanguage(input: {
  chosen?: string | undefined;
  person?: string | undefined;
  account?: string | undefined;
  browser?: string | undefined;
}): Language {
  for (const candidate of [input.chosen, input.person, input.account, input.browser]) {
    if (isLanguage(candidate)) return candidate;
  }
  return "ru";
}

export function applyDocumentLanguage(language: string): void {
  setApiLanguage(language);
  if (typeof document !== "undefined") document.documentElement.lang = language;
}

let ready: Promise<unknown> = Promise.resolve();

/** Settles once setupI18n's first catalogues have loaded (or failed: Suspense shows what is missing). */
export function i18nReady(): Promise<unknown> {
  return ready;
}

/**
 * Initialise the shared i18next instance (entries call this once before rendering). `eager`:
 * the namespaces' catalogues start loading now, in this task (i18next otherwise defers its
 * init to a timer, which runs only after every module of the entry has run).
 */
export function setupI18n(options: { namespaces: string[]; language?: Language; eager?: boolean }): I18n {
  const language = options.language ?? pickLanguage({ chosen: storedLanguage(), browser: browserLanguage() });
  if (!i18next.isInitialized) {
    ready = i18next
      .use(lazyCatalogues)
      .use(initReactI18next)
      .init({
        lng: language,
        fallbackLng: false,
        supportedLngs: [...LANGUAGES],
        ns: options.namespaces,
        defaultNS: "shared",
        fallbackNS: "shared",
        interpolation: { escapeValue: false }, // React escapes
        react: { useSuspense: true },
        returnNull: false,
        initAsync: !options.eager,
      })
      .catch(() => undefined);
    i18next.on("languageChanged", applyDocumentLanguage);
  }
  applyDocumentLanguage(language);
  return i18next;
}

export { i18next };
