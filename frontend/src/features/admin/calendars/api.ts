/**
 * Business calendars (tenant_apps/calendars; docs/calendars.md): the account's working time.
 * Exactly the API's documents: week intervals "HH:MM" (24:00 ends a day), day overrides, and the
 * computed days (`/days/?from=&to=`, both inclusive).
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "@/api/client";

export type Interval = Schemas["Interval"];
export type WeekInterval = Schemas["WeekInterval"]; // weekday 0 = Monday
export type HolidaysCountry = "" | "RU";
export type Calendar = Schemas["Calendar"];
export interface CalendarBody {
  name: string;
  time_zone: string;
  is_default: boolean;
  is_24x7: boolean;
  holidays_country: HolidaysCountry;
  week: WeekInterval[];
}
export type OverrideKind = Schemas["OverrideKindEnum"];
export const OVERRIDE_KINDS: OverrideKind[] = ["holiday", "working", "shortened"];
export type Override = Schemas["Override"];
export interface OverrideBody {
  day: string;
  kind: OverrideKind;
  intervals: Interval[];
  note: string;
}
export type CalendarDay = Schemas["Day"];

const path = (id: number) => ({ path: { id: String(id) } });

export const calendarApi = {
  list: () => unwrap(api.GET("/api/v1/calendars/")),
  get: (id: number) => unwrap(api.GET("/api/v1/calendars/{id}/", { params: path(id) })),
  create: (body: CalendarBody) => unwrap(api.POST("/api/v1/calendars/", { body: body as Calendar })),
  update: (id: number, body: CalendarBody) => unwrap(api.PUT("/api/v1/calendars/{id}/", { params: path(id), body: body as Calendar })),
  remove: (id: number) => unwrap(api.DELETE("/api/v1/calendars/{id}/", { params: path(id) })),
  overrides: (id: number) => unwrap(api.GET("/api/v1/calendars/{id}/overrides/", { params: path(id) })),
  addOverride: (id: number, body: OverrideBody) => unwrap(api.POST("/api/v1/calendars/{id}/overrides/", { params: path(id), body: body as Override })),
  updateOverride: (id: number, oid: number, body: OverrideBody) =>
    unwrap(api.PATCH("/api/v1/calendars/{id}/overrides/{oid}/", { params: { path: { id: String(id), oid: String(oid) } }, body: body as Override })),
  removeOverride: (id: number, oid: number) => unwrap(api.DELETE("/api/v1/calendars/{id}/overrides/{oid}/", { params: { path: { id: String(id), oid: String(oid) } } })),
  days: (id: number, from: string, to: string) => unwrap(api.GET("/api/v1/calendars/{id}/days/", { params: { ...path(id), query: { from, to } } })),
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
