/** The desk configuration the admin screens edit: exactly the API's documents. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "@/api/client";

export type TicketType = Schemas["TicketType"];
export type FormField = Schemas["FormField"];
export type Workflow = Schemas["Workflow"];
export type Status = Schemas["Status"];
export type Transition = Schemas["Transition"];
export type RoutingRule = Schemas["RoutingRule"];
export type RoutingTest = Schemas["RoutingTest"];
export type RoutingTestAnswer = Schemas["RoutingTestAnswer"];
export type ChecklistTemplate = Schemas["ChecklistTemplate"];
export type Policy = Schemas["Policy"];
export type Group = Schemas["Group"];

export const keys = {
  types: ["admin", "ticket-types"] as const,
  workflows: ["admin", "workflows"] as const,
  rules: ["admin", "routing-rules"] as const,
  checklists: ["admin", "checklist-templates"] as const,
  policies: ["admin", "approval-policies"] as const,
  groups: ["admin", "groups"] as const,
  partnerships: ["admin", "partnerships"] as const,
};

export function useTicketTypes() {
  return useQuery({ queryKey: keys.types, queryFn: () => unwrap(api.GET("/api/v1/ticket-types/")) });
}

export function useWorkflows() {
  return useQuery({ queryKey: keys.workflows, queryFn: () => unwrap(api.GET("/api/v1/workflows/")) });
}

/** Every page of a cursor-paginated list (the admin screens show the whole list, in order). */
async function allPages<T>(first: (cursor: string | undefined) => Promise<{ results: T[]; next?: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const page = await first(cursor);
    out.push(...page.results);
    if (!page.next) break;
    cursor = new URL(page.next, "http://x").searchParams.get("cursor") ?? undefined;
    if (!cursor) break;
  }
  return out;
}

export function useRoutingRules() {
  return useQuery({
    queryKey: keys.rules,
    queryFn: () =>
      allPages((cursor) => unwrap(api.GET("/api/v1/routing-rules/", { params: { query: { page_size: 200, ...(cursor ? { cursor } : {}) } } }))),
    placeholderData: keepPreviousData,
  });
}

export function useGroups() {
  return useQuery({
    queryKey: keys.groups,
    queryFn: () => allPages((cursor) => unwrap(api.GET("/api/v1/groups/", { params: { query: { page_size: 200, ...(cursor ? { cursor } : {}) } } }))),
    staleTime: 60_000,
  });
}

export function usePartnerships() {
  return useQuery({ queryKey: keys.partnerships, queryFn: () => unwrap(api.GET("/api/v1/federation/partnerships/")), staleTime: 60_000 });
}

export function useChecklistTemplates() {
  return useQuery({ queryKey: keys.checklists, queryFn: () => unwrap(api.GET("/api/v1/checklist-templates/")) });
}

export function usePolicies() {
  return useQuery({ queryKey: keys.policies, queryFn: () => unwrap(api.GET("/api/v1/approval-policies/")) });
}

export const ROLES = ["account_admin", "dispatcher", "engineer", "guard", "approver", "key_user", "employee", "visitor"] as const;
export const CATEGORIES = ["new", "open", "waiting", "resolved", "closed", "cancelled"] as const;
export const PRIORITIES = [1, 2, 3, 4] as const;
export const CHANNELS = ["web", "api", "email", "telegram", "qr", "phone", "schedule", "federation"] as const;
