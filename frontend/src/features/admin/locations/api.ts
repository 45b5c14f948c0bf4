import { api, type Schemas, unwrap } from "@/api/client";

export type Location = Schemas["Location"];
export type Equipment = Schemas["Equipment"];
export type LocationKind = Schemas["LocationKindEnum"];
export const KINDS: LocationKind[] = ["site", "building", "floor", "unit", "store", "area"];

export const locationsKey = ["admin", "locations"] as const;
export const equipmentKey = ["admin", "equipment"] as const;

function cursorOf(next: string | null | undefined): string | undefined {
  return next ? (new URL(next, "http://x").searchParams.get("cursor") ?? undefined) : undefined;
}

/** Every location (page after page), in tree order. */
export async function listLocations(): Promise<Location[]> {
  const all: Location[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await unwrap(api.GET("/api/v1/locations/", { params: { query: { page_size: 200, ...(cursor ? { cursor } : {}) } } }));
    all.push(...page.results);
    cursor = cursorOf(page.next);
    if (!cursor) break;
  }
  return treeOrder(all);
}

export async function listEquipment(location: number): Promise<Equipment[]> {
  const page = await unwrap(api.GET("/api/v1/equipment/", { params: { query: { location, page_size: 200 } } }));
  return page.results;
}

type NewLocation = Omit<Location, "id" | "path">;
type NewEquipment = Omit<Equipment, "id">;

// the request schemas repeat the read-only id/path as required: the server ignores them
export const createLocation = (body: NewLocation) =>
  unwrap(api.POST("/api/v1/locations/", { body: body as Location }));

export const moveLocation = (id: number, parent: number | null) =>
  unwrap(api.PATCH("/api/v1/locations/{id}/", { params: { path: { id } }, body: { parent } }));

export const createEquipment = (body: NewEquipment) =>
  unwrap(api.POST("/api/v1/equipment/", { body: body as Equipment }));

export const moveEquipment = (id: number, location: number | null) =>
  unwrap(api.PATCH("/api/v1/equipment/{id}/", { params: { path: { id } }, body: { location } }));

/** The API's `path` ("/1/4/9/") orders the tree; its depth is the indent. */
export function depth(location: Pick<Location, "path">): number {
  return Math.max(location.path.split("/").filter(Boolean).length - 1, 0);
}

export function treeOrder<T extends Pick<Location, "path" | "name">>(items: T[]): T[] {
  const key = (l: T) => l.path.split("/").filter(Boolean).map((id) => id.padStart(12, "0")).join("/");
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The label sheet (GET, opened in a new tab): a selection of ids, or a subtree. */
export function labelsUrl(kind: "locations" | "equipment", pick: { ids: number[] } | { subtree: number }): string {
  const query = "ids" in pick ? `ids=${pick.ids.join(",")}` : `subtree=${pick.subtree}`;
  return `/api/v1/${kind}/labels.pdf?${query}`;
}
