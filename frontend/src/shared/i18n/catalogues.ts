/**
 * Where the translation catalogues live: every feature folder has `locales/en.json` and
 * `locales/ru.json`, and its namespace is the folder's name:
 *
 *   src/features/auth/locales/ru.json   → namespace "auth"
 *   src/app/locales/en.json             → namespace "app"
 *   src/shared/locales/en.json          → namespace "shared" (buttons, generic errors)
 *
 * Catalogues load lazily (one small chunk each; in the portal one JSON file each) the first time
 * a component uses the namespace, so the portal never downloads the workspace's strings.
 */
export type Catalogue = { [key: string]: string | Catalogue };
type Loader = () => Promise<{ default: Catalogue }>;

export const LANGUAGES = ["ru", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The namespaces the portal's pages use (src/portal, src/shared and the features it imports):
 * its build lists only their catalogues (every list entry is bytes of the portal's entry chunk,
 * whose budget is 120 KB gzipped); catalogues.test.ts checks the list against the portal's code.
 * The app's build, `npm run dev` and the tests list every catalogue.
 */
export const PORTAL_NAMESPACES = ["shared", "portal", "auth", "forms", "notifications"] as const;

// The portal fetches its catalogues as JSON files (hashed assets, like i18next's HTTP backend
// does): data, not modules to compile and run; JSON.parse is the cheapest way to read them.
const fetchJson = (url: string) => async () => {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return { default: (await response.json()) as Catalogue };
};

const loaders: Record<string, Loader> =
  import.meta.env.MODE === "portal"
    ? Object.fromEntries(
        Object.entries(
          import.meta.glob<string>(
            [
              "/src/shared/locales/*.json",
              "/src/portal/locales/*.json",
              "/src/features/auth/locales/*.json",
              "/src/features/forms/locales/*.json",
              "/src/features/notifications/locales/*.json",
            ],
            { query: "?url&no-inline", import: "default", eager: true },
          ),
        ).map(([path, url]) => [path, fetchJson(url)]),
      )
    : import.meta.glob<{ default: Catalogue }>("/src/**/locales/*.json");

/** "/src/features/auth/locales/ru.json" → ["auth", "ru"] */
export function parseCataloguePath(path: string): [namespace: string, language: string] | undefined {
  const match = /\/([^/]+)\/locales\/([a-z]{2})\.json$/.exec(path);
  return match ? [match[1]!, match[2]!] : undefined;
}

const index = new Map<string, Loader>();
for (const [path, load] of Object.entries(loaders)) {
  const parsed = parseCataloguePath(path);
  if (parsed) index.set(`${parsed[1]}/${parsed[0]}`, load);
}

export function hasCatalogue(language: string, namespace: string): boolean {
  return index.has(`${language}/${namespace}`);
}

export async function loadCatalogue(language: string, namespace: string): Promise<Catalogue> {
  const load = index.get(`${language}/${namespace}`);
  if (!load) throw new Error(`No catalogue ${namespace} for ${language}`);
  return (await load()).default;
}
