/**
 * SLA policies (`/api/v1/sla/policies/`, tenant_apps/sla) and the calendars they count in
 * (`/api/v1/calendars/`): exactly the API's documents; precedence is `order` (lowest first).
 */
import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "@/api/client";

export type Threshold = Schemas["ThresholdEnum"];
export type TargetKind = Schemas["TargetEnum"];
export type EscalationAction = Schemas["ActionEnum"];

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

export type Calendar = Schemas["Calendar"];

const one = (id: number) => ({ params: { path: { id } } });

export const slaKeys = {
  policies: ["admin", "sla-policies"] as const,
  calendars: ["admin", "calendars"] as const,
};

// The API answers every field (its to_representation); the schema marks the writable ones optional.
type Wire = Schemas["SlaPolicy"];
export const listPolicies = () => unwrap(api.GET("/api/v1/sla/policies/")) as Promise<SlaPolicy[]>;
export const createPolicy = (body: SlaPolicyBody) => unwrap(api.POST("/api/v1/sla/policies/", { body: body as Wire })) as Promise<SlaPolicy>;
export const updatePolicy = (id: number, body: SlaPolicyBody) =>
  unwrap(api.PUT("/api/v1/sla/policies/{id}/", { ...one(id), body: body as Wire })) as Promise<SlaPolicy>;
export const patchPolicy = (id: number, body: Partial<SlaPolicyBody>) =>
  unwrap(api.PATCH("/api/v1/sla/policies/{id}/", { ...one(id), body })) as Promise<SlaPolicy>;
export const deletePolicy = (id: number) => unwrap(api.DELETE("/api/v1/sla/policies/{id}/", one(id)));
export const listCalendars = (): Promise<Calendar[]> => unwrap(api.GET("/api/v1/calendars/"));

export function useSlaPolicies() {
  return useQuery({
    queryKey: slaKeys.policies,
    queryFn: async () => [...(await listPolicies())].sort((a, b) => a.order - b.order || a.id - b.id),
  });
}

export function useCalendars() {
  return useQuery({ queryKey: slaKeys.calendars, queryFn: listCalendars, staleTime: 60_000 });
}
