/** The directory lookups the pickers need: people, companies, locations, equipment. */
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "@/api/client";

export type Person = Schemas["Person"];
export type Company = Schemas["Company"];
export type Location = Schemas["Location"];
export type Equipment = Schemas["Equipment"];

interface Page<T> {
  next?: string | null;
  results: T[];
}

const MAX_PAGES = 10; // 2,000 items: a mall's whole directory

/** Follow `next` cursors until done (lists small enough to filter in the browser). */
async function all<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  let page = await fetchPage(undefined);
  const items = [...page.results];
  for (let i = 1; page.next && i < MAX_PAGES; i++) {
    const cursor = new URL(page.next, "http://x").searchParams.get("cursor");
    if (!cursor) break;
    page = await fetchPage(cursor);
    items.push(...page.results);
  }
  return items;
}

/** `q` searches name and e-mail (PersonViewSet; not in the OpenAPI schema). */
export function searchPeople(params: { q?: string; role?: string; company?: number }): Promise<Person[]> {
  const query: Record<string, string | number> = { page_size: 20 };
  if (params.q) query.q = params.q;
  if (params.role) query.role = params.role;
  if (params.company) query.company = params.company;
  return unwrap(api.GET("/api/v1/people/", { params: { query: query as never } })).then((p) => p.results);
}

export function usePeopleSearch(q: string, enabled = true) {
  return useQuery({
    queryKey: ["people", "search", q],
    queryFn: () => searchPeople({ q }),
    enabled,
    staleTime: 60_000,
    placeholderData: (previous) => previous,
  });
}

export function usePerson(id: number | null | undefined) {
  return useQuery({
    queryKey: ["people", id],
    queryFn: () => unwrap(api.GET("/api/v1/people/{id}/", { params: { path: { id: id! } } })),
    enabled: typeof id === "number",
    staleTime: 60_000,
  });
}

export function useCompanies(enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["companies", "all"],
    queryFn: () => all((cursor) => unwrap(api.GET("/api/v1/companies/", { params: { query: { page_size: 200, ...(cursor ? { cursor } : {}) } } }))),
    staleTime: 5 * 60_000,
  });
}

export function useLocations(enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["locations", "all"],
    queryFn: () => all((cursor) => unwrap(api.GET("/api/v1/locations/", { params: { query: { page_size: 200, ...(cursor ? { cursor } : {}) } } }))),
    staleTime: 5 * 60_000,
  });
}

/** Equipment at one location (exactly there), or all of it. */
export function useEquipment(location: number | null | undefined, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["equipment", location ?? "all"],
    queryFn: () =>
      all((cursor) =>
        unwrap(
          api.GET("/api/v1/equipment/", {
            params: { query: { page_size: 200, ...(location ? { location } : {}), ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
    staleTime: 5 * 60_000,
  });
}
