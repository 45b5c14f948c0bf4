/**
 * SLA policies (`/api/v1/sla/policies/`, tenant_apps/sla) and the calendars they count in
 * (`/api/v1/calendars/`): exactly the API's documents; precedence is `order` (lowest first).
 */
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

export type Threshold = "warning" | "breach";
export type TargetKind = "response" | "resolution";
export type EscalationAction = "notify" | "reassign" | "raise_priority";

export interface SlaTargetRow {
  priority: number;
  response_minutes: number | null;
  resolution_minutes: number | null;
}

export interface Escalation {
  id?: number;
  threshold: Threshold;
  target: TargetKind;
  action: EscalationAction;
  group: number | null;
  assignee: number | null;
}

export interface SlaPolicy {
  id: number;
  name: string;
  order: number;
  is_active: boolean;
  calendar: number | null;
  warning_percent: number;
  ticket_types: number[];
  companies: number[];
  locations: number[];
  targets: SlaTargetRow[];
  escalations: Escalation[];
}

export type SlaPolicyBody = Omit<SlaPolicy, "id">;

export interface Calendar {
  id: number;
  name: string;
  is_default: boolean;
}

// The generated schema describes /sla/policies/ with the approval policies' `Policy` component
// (tenant_apps/sla's PolicySerializer has the same component name as approvals', and spectacular
// kept one): until it is renamed, a loosely typed view of the same client (same fetch, CSRF,
// language and ApiError handling) with the shapes above, which are the endpoint's.
type Call = (path: string, init?: { params?: { path?: Record<string, number> }; body?: unknown }) => Promise<{ data?: unknown; response: Response }>;
const loose = api as unknown as Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", Call>;
const one = (id: number) => ({ params: { path: { id } } });

export const slaKeys = {
  policies: ["admin", "sla-policies"] as const,
  calendars: ["admin", "calendars"] as const,
};

export const listPolicies = () => unwrap(loose.GET("/api/v1/sla/policies/")) as Promise<SlaPolicy[]>;
export const createPolicy = (body: SlaPolicyBody) => unwrap(loose.POST("/api/v1/sla/policies/", { body })) as Promise<SlaPolicy>;
export const updatePolicy = (id: number, body: SlaPolicyBody) => unwrap(loose.PUT("/api/v1/sla/policies/{id}/", { ...one(id), body })) as Promise<SlaPolicy>;
export const patchPolicy = (id: number, body: Partial<SlaPolicyBody>) => unwrap(loose.PATCH("/api/v1/sla/policies/{id}/", { ...one(id), body })) as Promise<SlaPolicy>;
export const deletePolicy = (id: number) => unwrap(loose.DELETE("/api/v1/sla/policies/{id}/", one(id))) as Promise<void>;
export const listCalendars = () => unwrap(loose.GET("/api/v1/calendars/")) as Promise<Calendar[]>;

/** A list endpoint may answer a plain list or a page of `results`. */
function rows<T>(data: T[] | { results: T[] }): T[] {
  return Array.isArray(data) ? data : (data?.results ?? []);
}

export function useSlaPolicies() {
  return useQuery({
    queryKey: slaKeys.policies,
    queryFn: async () => [...rows(await listPolicies())].sort((a, b) => a.order - b.order || a.id - b.id),
  });
}

export function useCalendars() {
  return useQuery({ queryKey: slaKeys.calendars, queryFn: async () => rows(await listCalendars()), staleTime: 60_000 });
}
