/**
 * Wall-clock times typed by the person are in the ACCOUNT's time zone (as every time is shown);
 * the API wants instants. "2026-12-02T10:00" in Europe/Moscow → "2026-12-02T07:00:00.000Z".
 */
function offsetMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"), get("second"));
  return Math.round((wall - instant) / 60_000);
}

/** "YYYY-MM-DD" or "YYYY-MM-DDTHH:mm" in `timeZone` → ISO instant (undefined if unparsable). */
export function zonedToIso(local: string, timeZone: string | undefined): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(local);
  if (!m) return undefined;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0));
  if (!timeZone) return new Date(wall).toISOString();
  try {
    let guess = wall - offsetMinutes(wall, timeZone) * 60_000;
    guess = wall - offsetMinutes(guess, timeZone) * 60_000; // a second pass settles DST edges
    return new Date(guess).toISOString();
  } catch {
    return new Date(wall).toISOString();
  }
}

/** An ISO instant → "YYYY-MM-DD" in `timeZone` (for a date input showing a filter value). */
export function isoToZonedDate(iso: string | null, timeZone: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : "";
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
  } catch {
    return iso.slice(0, 10);
  }
}
