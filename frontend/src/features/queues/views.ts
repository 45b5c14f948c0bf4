/**
 * Quick views, saved views and the list's query. The URL holds the person's own filters
 * (`/app/queues/<view>?type=leak&q=…`); the view adds its base filters underneath (explicit ones
 * win, as the API does for `view=`).
 */
import type { Filters, Topic } from "@/shared/live";

export interface QuickView {
  key: string;
  label: string; // i18n key in "queues"
  params: Record<string, string>;
}

export const QUICK_VIEWS: QuickView[] = [
  { key: "mine", label: "views.mine", params: { assignee: "me" } },
  { key: "groups", label: "views.groups", params: { group: "mine" } },
  { key: "unassigned", label: "views.unassigned", params: { assignee: "none", is_open: "true" } },
  { key: "approval", label: "views.approval", params: { awaiting_approval: "true" } },
  { key: "open", label: "views.open", params: { is_open: "true" } },
];

export const DEFAULT_VIEW = "mine";

export type ViewRef = { kind: "quick"; view: QuickView } | { kind: "saved"; id: number } | { kind: "unknown" };

export function parseView(key: string | undefined): ViewRef {
  const name = key ?? DEFAULT_VIEW;
  const saved = /^saved-(\d+)$/.exec(name);
  if (saved) return { kind: "saved", id: Number(saved[1]) };
  const view = QUICK_VIEWS.find((v) => v.key === name);
  return view ? { kind: "quick", view } : { kind: "unknown" };
}

/** Keys of the URL that are the person's filters (everything but paging). */
const NOT_FILTERS = new Set(["cursor", "page_size", "view"]);

/** The API query of a view: its base filters, then the URL's (which replace a base key). */
export function apiQuery(view: ViewRef, search: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  if (view.kind === "quick") for (const [k, v] of Object.entries(view.view.params)) out.set(k, v);
  if (view.kind === "saved") out.set("view", String(view.id));
  const own = new Set<string>();
  for (const [key, value] of search) {
    if (NOT_FILTERS.has(key)) continue;
    if (!own.has(key)) out.delete(key);
    own.add(key);
    out.append(key, value);
  }
  return out;
}

/** The saved view's `filters` from what is shown now (base + own), `ordering` apart. */
export function filtersToSave(view: ViewRef, search: URLSearchParams, savedFilters?: Record<string, unknown>): { filters: Record<string, string | string[]>; ordering: string } {
  const merged = new URLSearchParams();
  if (view.kind === "saved" && savedFilters) {
    for (const [k, v] of Object.entries(savedFilters)) {
      for (const item of Array.isArray(v) ? v : [v]) merged.append(k, String(item));
    }
  }
  const query = apiQuery(view.kind === "saved" ? { kind: "unknown" } : view, search);
  for (const key of new Set(query.keys())) merged.delete(key);
  for (const [k, v] of query) merged.append(k, v);
  const filters: Record<string, string | string[]> = {};
  let ordering = "";
  for (const key of new Set(merged.keys())) {
    const values = merged.getAll(key);
    if (key === "ordering") ordering = values[0] ?? "";
    else filters[key] = values.length === 1 ? values[0]! : values;
  }
  return { filters, ordering };
}

/** Filters the websocket's queue topic understands (docs/live.md). */
const LIVE_KEYS = ["type", "status", "category", "priority", "group", "assignee", "requester", "company", "is_open"] as const;

function liveValue(key: string, values: string[]): unknown {
  const items = values.flatMap((v) => (key === "category" ? [v] : v.split(","))).filter(Boolean);
  const typed = items.map((v) => {
    if (key === "is_open") return v === "true";
    return /^\d+$/.test(v) ? Number(v) : v;
  });
  return typed.length === 1 ? typed[0] : typed;
}

/**
 * The closest subscription for a view: a saved view by id (the server applies all of its
 * filters); otherwise a queue with the filters the socket supports. Filters it cannot express
 * (q, awaiting_approval, custom fields, location, dates…) only narrow the list further, so the
 * client re-checks changed tickets against the REST list (see useQueueList).
 */
export function liveTopic(view: ViewRef, query: URLSearchParams): Topic | null {
  if (view.kind === "unknown") return null;
  if (view.kind === "saved") return { topic: "view", id: view.id };
  const filters: Filters = {};
  for (const key of LIVE_KEYS) {
    const values = query.getAll(key);
    if (values.length) filters[key] = liveValue(key, values);
  }
  return { topic: "queue", filters };
}

/** ordering=-created_at → {field: "created_at", desc: true}; the API's default is -created_at. */
export function parseOrdering(value: string | null | undefined): { field: string; desc: boolean } {
  const raw = value || "-created_at";
  return raw.startsWith("-") ? { field: raw.slice(1), desc: true } : { field: raw, desc: false };
}
