/** Calendar days as "YYYY-MM-DD" strings (the account's days; arithmetic in UTC so no device zone leaks in). */

export function todayIn(timeZone: string | undefined, now: Date = new Date()): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
  } catch {
    parts = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

function toUtc(day: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
}

function fromUtc(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const date = toUtc(day);
  date.setUTCDate(date.getUTCDate() + n);
  return fromUtc(date);
}

export function addMonths(day: string, n: number): string {
  const date = toUtc(day);
  date.setUTCMonth(date.getUTCMonth() + n, 1);
  return fromUtc(date);
}

/** Monday of the day's week. */
export function weekStart(day: string): string {
  const weekday = (toUtc(day).getUTCDay() + 6) % 7; // 0 = Monday
  return addDays(day, -weekday);
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function isDay(value: string | null | undefined): value is string {
  return !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(toUtc(value).getTime());
}

/** A "YYYY-MM-DD" as a Date at noon UTC: formatted with timeZone "UTC" it shows that very day. */
export function dayAsDate(day: string): Date {
  const date = toUtc(day);
  date.setUTCHours(12);
  return date;
}

/** The account's day of an instant. */
export function dayOf(iso: string, timeZone: string | undefined): string {
  return todayIn(timeZone, new Date(iso));
}
