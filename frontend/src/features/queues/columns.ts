/** The queue's columns: which exist, which the API can sort by, which a person shows (localStorage). */
export interface ColumnDef {
  id: string;
  label: string; // i18n key in "queues"
  /** The API's `ordering` field, when it can sort by this column. */
  sort?: string;
  /** The first click sorts ascending (the soonest SLA due first); otherwise descending. */
  ascendingFirst?: boolean;
  defaultVisible: boolean;
}

export const COLUMNS: ColumnDef[] = [
  { id: "key", label: "columns.key", sort: "number", defaultVisible: true },
  { id: "title", label: "columns.title", defaultVisible: true },
  { id: "type", label: "columns.type", defaultVisible: false },
  { id: "status", label: "columns.status", defaultVisible: true },
  { id: "priority", label: "columns.priority", sort: "priority", defaultVisible: true },
  { id: "sla", label: "columns.sla", sort: "sla_due", ascendingFirst: true, defaultVisible: true },
  { id: "requester", label: "columns.requester", defaultVisible: true },
  { id: "company", label: "columns.company", defaultVisible: false },
  { id: "location", label: "columns.location", defaultVisible: false },
  { id: "group", label: "columns.group", defaultVisible: false },
  { id: "assignee", label: "columns.assignee", defaultVisible: true },
  { id: "created", label: "columns.created", sort: "created_at", defaultVisible: false },
  { id: "updated", label: "columns.updated", sort: "updated_at", defaultVisible: true },
  { id: "planned_finish", label: "columns.plannedFinish", sort: "planned_finish", defaultVisible: false },
];

export type Visibility = Record<string, boolean>;

const key = (userId: number) => `atrium.queues.columns.${userId}`;

export function defaultVisibility(): Visibility {
  return Object.fromEntries(COLUMNS.map((c) => [c.id, c.defaultVisible]));
}

export function loadVisibility(userId: number): Visibility {
  const base = defaultVisibility();
  try {
    const raw = globalThis.localStorage?.getItem(key(userId));
    if (!raw) return base;
    const stored = JSON.parse(raw) as unknown;
    if (stored && typeof stored === "object") {
      for (const column of COLUMNS) {
        const value = (stored as Record<string, unknown>)[column.id];
        if (typeof value === "boolean") base[column.id] = value;
      }
    }
  } catch {
    /* unreadable: the defaults */
  }
  if (!Object.values(base).some(Boolean)) base.key = true;
  return base;
}

export function saveVisibility(userId: number, visibility: Visibility): void {
  try {
    globalThis.localStorage?.setItem(key(userId), JSON.stringify(visibility));
  } catch {
    /* private mode: for this page only */
  }
}
