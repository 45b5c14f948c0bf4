import { api, type Schemas, unwrap } from "@/api/client";

export type TicketRow = Schemas["TicketList"];
export type TicketPage = Schemas["PaginatedTicketListList"];
export type SavedView = Schemas["SavedView"];
export type TicketType = Schemas["TicketType"];
export type FormField = Schemas["FormField"];
export type Workflow = Schemas["Workflow"];
export type Group = Schemas["Group"];
export type Person = Schemas["Person"];
export type Company = Schemas["Company"];
export type Location = Schemas["Location"];
export type Equipment = Schemas["Equipment"];
export type BulkJob = Schemas["BulkJob"];
export type BulkAccepted = Schemas["BulkAccepted"];

export const PAGE_SIZE = 50;

/**
 * One page of tickets. `query` is the list's query string as the URL holds it (filters,
 * `ordering`, `view`, `f.<key>`): passed through as is, so custom-field filters and repeated keys
 * survive; `cursor` follows the API's `next`.
 */
export async function fetchTicketPage(query: URLSearchParams, cursor?: string | null, signal?: AbortSignal): Promise<TicketPage> {
  const params = new URLSearchParams(query);
  params.set("page_size", String(PAGE_SIZE));
  if (cursor) params.set("cursor", cursor);
  return unwrap(
    api.GET("/api/v1/tickets/", {
      // the typed client cannot express f.<key>: serialise the query string ourselves
      params: { query: {} },
      querySerializer: () => params.toString(),
      signal,
    }),
  ) as Promise<TicketPage>;
}

/** The `cursor` parameter of a `next` link. */
export function cursorOf(link: string | null | undefined): string | null {
  if (!link) return null;
  try {
    return new URL(link, "http://x").searchParams.get("cursor");
  } catch {
    return null;
  }
}

export function fetchTicket(id: number): Promise<Schemas["TicketDetail"]> {
  return unwrap(api.GET("/api/v1/tickets/{id}/", { params: { path: { id } } }));
}

export function fetchSavedViews(): Promise<SavedView[]> {
  return unwrap(api.GET("/api/v1/saved-views/"));
}

export function createSavedView(body: { name: string; filters: Record<string, string | string[]>; ordering: string; shared: boolean }): Promise<SavedView> {
  return unwrap(api.POST("/api/v1/saved-views/", { body: body as SavedView }));
}

export function deleteSavedView(id: number): Promise<void> {
  return unwrap(api.DELETE("/api/v1/saved-views/{id}/", { params: { path: { id } } }));
}

export function fetchTicketTypes(): Promise<TicketType[]> {
  return unwrap(api.GET("/api/v1/ticket-types/"));
}

export function fetchWorkflows(): Promise<Workflow[]> {
  return unwrap(api.GET("/api/v1/workflows/"));
}

/** Every page of a small directory list (groups, companies, locations, equipment), at most 1,000 rows. */
async function all<T>(load: (cursor: string | undefined) => Promise<{ next?: string | null; results: T[] }>): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 5; i++) {
    const page = await load(cursor);
    rows.push(...page.results);
    const next = cursorOf(page.next);
    if (!next) break;
    cursor = next;
  }
  return rows;
}

export function fetchGroups(): Promise<Group[]> {
  return all((cursor) => unwrap(api.GET("/api/v1/groups/", { params: { query: { page_size: 200, cursor } } })));
}

export function fetchCompanies(): Promise<Company[]> {
  return all((cursor) => unwrap(api.GET("/api/v1/companies/", { params: { query: { page_size: 200, cursor } } })));
}

export function fetchLocations(): Promise<Location[]> {
  return all((cursor) => unwrap(api.GET("/api/v1/locations/", { params: { query: { page_size: 200, cursor } } })));
}

export function fetchEquipment(): Promise<Equipment[]> {
  return all((cursor) => unwrap(api.GET("/api/v1/equipment/", { params: { query: { page_size: 200, cursor } } })));
}

/** People matching `q` (name or e-mail; the endpoint reads `q` though the schema does not list it). */
export async function searchPeople(q: string, role?: Person["role"]): Promise<Person[]> {
  const params = new URLSearchParams({ page_size: "20" });
  if (q) params.set("q", q);
  if (role) params.set("role", role);
  const page = await unwrap(api.GET("/api/v1/people/", { params: { query: {} }, querySerializer: () => params.toString() }));
  return page.results;
}

export function fetchPerson(id: number): Promise<Person> {
  return unwrap(api.GET("/api/v1/people/{id}/", { params: { path: { id } } }));
}

export type BulkChanges = Partial<Record<"priority" | "group" | "assignee" | "planned_start" | "planned_finish", number | string | null>>;

export function startBulk(ids: number[], changes: BulkChanges): Promise<BulkAccepted> {
  return unwrap(api.POST("/api/v1/tickets/bulk/", { body: { ids, changes } }));
}

export function fetchBulkJob(id: string): Promise<BulkJob> {
  return unwrap(api.GET("/api/v1/tickets/bulk/{id}/", { params: { path: { id } } }));
}
