/**
 * Dates and times always show in the ACCOUNT's time zone (`account.time_zone` from /api/v1/me/),
 * whatever the device's zone, in the UI language. Use the hook in components:
 *
 *   const fmt = useDateFormat();
 *   fmt.dateTime(ticket.created_at)   // "23 нояб. 2026 г., 21:01"
 *   fmt.date(ticket.planned_finish)   fmt.time(event.at)   fmt.relative(event.at)
 */
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSessionOptional } from "@/shared/session/SessionContext";

type DateInput = string | number | Date | null | undefined;

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, timeZone: string | undefined, options: Intl.DateTimeFormatOptions) {
  const key = `${language}|${timeZone ?? ""}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(language, { ...options, timeZone });
    } catch {
      f = new Intl.DateTimeFormat(language, options); // an unknown zone name: fall back to the device's
    }
    cache.set(key, f);
  }
  return f;
}

function toDate(value: DateInput): Date | undefined {
  if (value == null || value === "") return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export const DATE_TIME: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" };
export const DATE: Intl.DateTimeFormatOptions = { dateStyle: "medium" };
export const TIME: Intl.DateTimeFormatOptions = { timeStyle: "short" };
/** Dense tables: "2 Dec, 12:57"; the year only when it is not this year's (in the account's zone). */
export const SHORT: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
const SHORT_WITH_YEAR: Intl.DateTimeFormatOptions = { ...SHORT, year: "numeric" };

export function formatShort(
  value: DateInput,
  { language, timeZone, now = Date.now() }: { language: string; timeZone?: string | undefined; now?: number },
): string {
  const date = toDate(value);
  if (!date) return "";
  const year = (d: Date) => formatter("en", timeZone, { year: "numeric" }).format(d);
  const options = year(date) === year(new Date(now)) ? SHORT : SHORT_WITH_YEAR;
  return formatter(language, timeZone, options).format(date);
}

export function formatDateTime(
  value: DateInput,
  { language, timeZone, options = DATE_TIME }: { language: string; timeZone?: string | undefined; options?: Intl.DateTimeFormatOptions },
): string {
  const date = toDate(value);
  return date ? formatter(language, timeZone, options).format(date) : "";
}

export function formatRelative(value: DateInput, { language, now = Date.now() }: { language: string; now?: number }): string {
  const date = toDate(value);
  if (!date) return "";
  const seconds = Math.round((date.getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ["second", 60],
    ["minute", 60],
    ["hour", 24],
    ["day", 30],
    ["month", 12],
    ["year", Infinity],
  ];
  let amount = seconds;
  for (const [unit, size] of steps) {
    if (Math.abs(amount) < size) return rtf.format(amount, unit);
    amount = Math.round(amount / size);
  }
  return rtf.format(amount, "year");
}

export function useDateFormat() {
  const { i18n } = useTranslation();
  const timeZone = useSessionOptional()?.account.time_zone;
  const language = i18n.language;
  return useMemo(
    () => ({
      timeZone,
      dateTime: (v: DateInput) => formatDateTime(v, { language, timeZone }),
      date: (v: DateInput) => formatDateTime(v, { language, timeZone, options: DATE }),
      time: (v: DateInput) => formatDateTime(v, { language, timeZone, options: TIME }),
      short: (v: DateInput) => formatShort(v, { language, timeZone }),
      custom: (v: DateInput, options: Intl.DateTimeFormatOptions) => formatDateTime(v, { language, timeZone, options }),
      relative: (v: DateInput) => formatRelative(v, { language }),
    }),
    [language, timeZone],
  );
}
