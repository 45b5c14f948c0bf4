/** Planned maintenance (docs/schedules.md): schedules and the plan, exactly the API's documents. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "@/api/client";

export type Schedule = Schemas["Schedule"];
export type PlanItem = Schemas["PlanItem"];
export type PlanState = Schemas["PlanItemStateEnum"];
export type PeriodUnit = Schemas["PeriodUnitEnum"];
export type HolidaysRule = Schemas["HolidaysEnum"];
export type Mode = Schemas["ModeEnum"];

export const PERIOD_UNITS: PeriodUnit[] = ["days", "weeks", "months", "rrule"];
export const HOLIDAYS: HolidaysRule[] = ["keep", "skip", "previous", "next"];
export const MODES: Mode[] = ["grid", "from_completion"];
export const STATES: PlanState[] = ["planned", "skipped", "pending", "created", "failed"];

export interface ScheduleFilters {
  is_active?: boolean | undefined;
  ticket_type?: number | undefined;
  location?: number | undefined;
  equipment?: number | undefined;
}

export const keys = {
  all: ["maintenance"] as const,
  schedules: (filters: ScheduleFilters) => ["maintenance", "schedules", filters] as const,
  schedule: (id: number) => ["maintenance", "schedule", id] as const,
  plan: (query: PlanQuery) => ["maintenance", "plan", query] as const,
};

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== "")) as T;
}

/** Every schedule matching the filters (all cursor pages). */
export function useSchedules(filters: ScheduleFilters) {
  return useQuery({
    queryKey: keys.schedules(filters),
    queryFn: async () => {
      const out: Schedule[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 50; guard++) {
        const page = await unwrap(api.GET("/api/v1/schedules/", { params: { query: defined({ ...filters, page_size: 200, cursor }) } }));
        out.push(...page.results);
        cursor = page.next ? (new URL(page.next, "http://x").searchParams.get("cursor") ?? undefined) : undefined;
        if (!cursor) break;
      }
      return out;
    },
    placeholderData: keepPreviousData,
  });
}

export function useSchedule(id: number | null) {
  return useQuery({
    enabled: id != null,
    queryKey: keys.schedule(id ?? 0),
    queryFn: () => unwrap(api.GET("/api/v1/schedules/{id}/", { params: { path: { id: id! } } })),
  });
}

export interface PlanQuery {
  from: string; // YYYY-MM-DD (the account's day)
  to: string; // exclusive
  location?: number | undefined;
  equipment?: number | undefined;
}

export function usePlan(query: PlanQuery) {
  return useQuery({
    queryKey: keys.plan(query),
    queryFn: () => unwrap(api.GET("/api/v1/schedules/plan/", { params: { query: defined({ ...query }) } })),
    placeholderData: keepPreviousData,
  });
}

/** A failed occurrence filed again on the next tick (managers; the API refuses any other state). */
export function useRetryOccurrence() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(api.POST("/api/v1/schedule-occurrences/{id}/retry/", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.all }),
  });
}
