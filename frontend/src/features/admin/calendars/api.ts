/**
 * Business calendars (tenant_apps/calendars; docs/calendars.md): the account's working time.
 * Exactly the API's documents: week intervals "HH:MM" (24:00 ends a day), day overrides, and the
 * computed days (`/days/?from=&to=`, both inclusive).
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

export interface Interval {
  start: string;
  end: string;
}
export interface WeekInterval extends Interval {
  weekday: number; // 0 = Monday
}
export type HolidaysCountry = "" | "RU";
export interface Calendar {
  id: number;
  name: string;
  time_zone: string;
  zone_from_account?: boolean;
  is_default: boolean;
  is_24x7: boolean;
  holidays_country: HolidaysCountry;
  week: WeekInterval[];
}
export type CalendarBody = Omit<Calendar, "id" | "zone_from_account">;
export type OverrideKind = "holiday" | "working" | "shortened";
export const OVERRIDE_KINDS: OverrideKind[] = ["holiday", "working", "shortened"];
export interface Override {
  id: number;
  day: string;
  kind: OverrideKind;
  intervals: Interval[];
  note: string;
}
export type OverrideBody = Omit<Override, "id">;
export interface CalendarDay {
  day: string;
  working: boolean;
  intervals: Interval[];
  source: "week" | "holidays" | "override";
  note: string;
}

// The paths are not in the generated schema yet (the API was being built alongside): the one
// client, called with the contract's shapes.
type Call = (path: string, init?: { params?: { path?: Record<string, number>; query?: Record<string, string> }; body?: unknown }) => Promise<{ data?: unknown; response: Response }>;
const client = api as unknown as { GET: Call; POST: Call; PUT: Call; PATCH: Call; DELETE: Call };

export const calendarApi = {
  list: () => unwrap(client.GET("/api/v1/calendars/")) as Promise<Calendar[]>,
  get: (id: number) => unwrap(client.GET("/api/v1/calendars/{id}/", { params: { path: { id } } })) as Promise<Calendar>,
  create: (body: CalendarBody) => unwrap(client.POST("/api/v1/calendars/", { body })) as Promise<Calendar>,
  update: (id: number, body: CalendarBody) => unwrap(client.PUT("/api/v1/calendars/{id}/", { params: { path: { id } }, body })) as Promise<Calendar>,
  remove: (id: number) => unwrap(client.DELETE("/api/v1/calendars/{id}/", { params: { path: { id } } })) as Promise<void>,
  overrides: (id: number) => unwrap(client.GET("/api/v1/calendars/{id}/overrides/", { params: { path: { id } } })) as Promise<Override[]>,
  addOverride: (id: number, body: OverrideBody) => unwrap(client.POST("/api/v1/calendars/{id}/overrides/", { params: { path: { id } }, body })) as Promise<Override>,
  removeOverride: (id: number, oid: number) => unwrap(client.DELETE("/api/v1/calendars/{id}/overrides/{oid}/", { params: { path: { id, oid } } })) as Promise<void>,
  days: (id: number, from: string, to: string) => unwrap(client.GET("/api/v1/calendars/{id}/days/", { params: { path: { id }, query: { from, to } } })) as Promise<CalendarDay[]>,
};

export const calendarKeys = {
  all: ["admin", "calendars"] as const,
  list: ["admin", "calendars", "list"] as const,
  one: (id: number) => ["admin", "calendars", id] as const,
  overrides: (id: number) => ["admin", "calendars", id, "overrides"] as const,
  days: (id: number, from: string, to: string) => ["admin", "calendars", id, "days", from, to] as const,
};

export function useCalendars() {
  return useQuery({ queryKey: calendarKeys.list, queryFn: calendarApi.list });
}

export function useCalendar(id: number | null) {
  return useQuery({ enabled: id != null, queryKey: calendarKeys.one(id ?? 0), queryFn: () => calendarApi.get(id!) });
}

export function useOverrides(id: number | null) {
  return useQuery({ enabled: id != null, queryKey: calendarKeys.overrides(id ?? 0), queryFn: () => calendarApi.overrides(id!) });
}

export function useDays(id: number | null, from: string, to: string) {
  return useQuery({ enabled: id != null, queryKey: calendarKeys.days(id ?? 0, from, to), queryFn: () => calendarApi.days(id!, from, to), placeholderData: keepPreviousData });
}
