import { describe, expect, it } from "vitest";
import { formatDateTime, formatShort } from "./datetime";

describe("dates in the account's time zone", () => {
  const instant = "2026-12-01T21:30:00Z"; // 2 Dec 00:30 in Moscow, still 1 Dec in UTC and New York

  it("shows the account's day and hour, not the device's", () => {
    expect(formatDateTime(instant, { language: "en", timeZone: "Europe/Moscow" })).toContain("Dec 2, 2026");
    expect(formatDateTime(instant, { language: "en", timeZone: "America/New_York" })).toContain("Dec 1, 2026");
  });

  it("keeps the short form compact and adds the year only for another year", () => {
    const now = Date.parse("2026-12-05T10:00:00Z");
    const thisYear = formatShort(instant, { language: "en", timeZone: "Europe/Moscow", now });
    expect(thisYear).toMatch(/Dec 2/);
    expect(thisYear).toMatch(/12:30/); // the language's own clock (12-hour in English)
    expect(formatShort(instant, { language: "ru", timeZone: "Europe/Moscow", now })).toMatch(/00:30/);
    expect(thisYear).not.toMatch(/2026/);
    const lastYear = formatShort("2025-03-01T09:00:00Z", { language: "ru", timeZone: "Europe/Moscow", now });
    expect(lastYear).toMatch(/2025/);
    expect(lastYear).toMatch(/12:00/);
  });
});
