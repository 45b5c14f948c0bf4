import { describe, expect, it } from "vitest";
import { allCatalogues } from "@/shared/test/i18n";
import { type Catalogue, hasCatalogue, LANGUAGES, PORTAL_NAMESPACES, parseCataloguePath } from "./catalogues";
import { pickLanguage } from "./index";

function flatten(catalogue: Catalogue, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const byNamespace = new Map<string, Map<string, Map<string, string>>>();
for (const [path, catalogue] of Object.entries(allCatalogues)) {
  const parsed = parseCataloguePath(path);
  if (!parsed) throw new Error(`A catalogue outside <feature>/locales/<lang>.json: ${path}`);
  const [namespace, language] = parsed;
  if (!byNamespace.has(namespace)) byNamespace.set(namespace, new Map());
  byNamespace.get(namespace)!.set(language, flatten(catalogue));
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe("translation catalogues", () => {
  it("exist", () => {
    expect([...byNamespace.keys()]).toEqual(expect.arrayContaining(["shared", "app", "auth", "profile", "portal"]));
  });

  for (const [namespace, languages] of byNamespace) {
    describe(`namespace "${namespace}"`, () => {
      it("has a catalogue for every language", () => {
        expect([...languages.keys()].sort()).toEqual([...LANGUAGES].sort());
      });

      it("has the same keys in ru and en", () => {
        const en = [...(languages.get("en") ?? new Map()).keys()].sort();
        const ru = [...(languages.get("ru") ?? new Map()).keys()].sort();
        expect(ru).toEqual(en);
      });

      it("has no empty strings and the same {{placeholders}} in both", () => {
        const en = languages.get("en") ?? new Map<string, string>();
        const ru = languages.get("ru") ?? new Map<string, string>();
        for (const [key, text] of en) {
          expect(text.trim(), `en ${namespace}:${key}`).not.toBe("");
          expect(ru.get(key)?.trim(), `ru ${namespace}:${key}`).not.toBe("");
          expect(placeholders(ru.get(key) ?? ""), `${namespace}:${key}`).toEqual(placeholders(text));
        }
      });
    });
  }
});

describe("pickLanguage", () => {
  it("prefers the choice, then the person, the account, the browser", () => {
    expect(pickLanguage({ chosen: "en", person: "ru", account: "ru" })).toBe("en");
    expect(pickLanguage({ person: "en", account: "ru", browser: "ru" })).toBe("en");
    expect(pickLanguage({ person: "de", account: "en", browser: "ru" })).toBe("en");
    expect(pickLanguage({ browser: "en" })).toBe("en");
    expect(pickLanguage({})).toBe("ru");
  });
});

describe("the portal's catalogues", () => {
  // the portal's code and every feature it imports (as source text)
  const sources = import.meta.glob<string>(
    ["/src/portal/**/*.{ts,tsx}", "/src/shared/**/*.{ts,tsx}", "/src/features/{auth,forms,filing,notifications}/**/*.{ts,tsx}", "!**/*.test.{ts,tsx}", "!/src/shared/test/**"],
    { query: "?raw", import: "default", eager: true },
  );
  const catalogues = import.meta.glob<string>("./catalogues.ts", { query: "?raw", import: "default", eager: true })["./catalogues.ts"]!;

  it("list every namespace the portal's code uses, and its build's glob names each", () => {
    const used = new Set<string>();
    for (const [path, text] of Object.entries(sources)) {
      for (const m of text.matchAll(/useTranslation\(\s*["`]([a-z-]+)["`]/g)) used.add(m[1]!);
      for (const m of text.matchAll(/\bt\(\s*["`]([a-z-]+):/g)) used.add(m[1]!);
      for (const m of text.matchAll(/@\/features\/([a-z-]+)/g)) {
        if (!path.startsWith("/src/features/") && !["auth", "forms", "filing", "notifications"].includes(m[1]!)) {
          throw new Error(`${path} imports @/features/${m[1]}: add it to this test's sources and, with its catalogues, to PORTAL_NAMESPACES`);
        }
      }
    }
    expect(used.size).toBeGreaterThan(3);
    for (const namespace of used) expect(PORTAL_NAMESPACES).toContain(namespace);
    for (const namespace of PORTAL_NAMESPACES) {
      const folder = namespace === "shared" || namespace === "portal" ? `/src/${namespace}/` : `/src/features/${namespace}/`;
      expect(catalogues).toContain(`"${folder}locales/*.json"`);
      expect(hasCatalogue("en", namespace) && hasCatalogue("ru", namespace)).toBe(true);
    }
  });
});
