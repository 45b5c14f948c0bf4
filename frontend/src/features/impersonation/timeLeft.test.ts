import { describe, expect, it } from "vitest";
import { minutesLeft } from "./timeLeft";

describe("minutesLeft", () => {
  const now = Date.parse("2026-12-02T10:00:00Z");
  it("rounds a part of a minute up", () => {
    expect(minutesLeft("2026-12-02T10:14:01Z", now)).toBe(15);
    expect(minutesLeft("2026-12-02T10:00:30+00:00", now)).toBe(1);
  });
  it("is zero once the end has passed or the date is unreadable", () => {
    expect(minutesLeft("2026-12-02T09:59:00Z", now)).toBe(0);
    expect(minutesLeft("not a date", now)).toBe(0);
  });
});
