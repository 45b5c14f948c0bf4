import { describe, expect, it } from "vitest";
import type { TicketRow } from "./api";
import { sortsBefore } from "./useQueueList";
import { apiQuery, filtersToSave, liveTopic, parseView } from "./views";
import { zonedToIso } from "./zoned";

describe("views", () => {
  it("parses quick, saved and unknown views", () => {
    expect(parseView(undefined)).toMatchObject({ kind: "quick", view: { key: "mine" } });
    expect(parseView("saved-7")).toEqual({ kind: "saved", id: 7 });
    expect(parseView("nope").kind).toBe("unknown");
  });

  it("puts the person's filters over the view's", () => {
    const q = apiQuery(parseView("unassigned"), new URLSearchParams("is_open=false&type=leak&f.severity=drip&cursor=x"));
    expect(q.get("assignee")).toBe("none");
    expect(q.getAll("is_open")).toEqual(["false"]);
    expect(q.get("f.severity")).toBe("drip");
    expect(q.has("cursor")).toBe(false);
    expect(apiQuery(parseView("saved-3"), new URLSearchParams("q=pipe")).toString()).toBe("view=3&q=pipe");
  });

  it("subscribes with only the filters the socket supports", () => {
    const view = parseView("approval");
    const topic = liveTopic(view, apiQuery(view, new URLSearchParams("type=leak,dirt&q=pipe&priority=3&category=new&category=open")));
    expect(topic).toEqual({ topic: "queue", filters: { type: ["leak", "dirt"], priority: 3, category: ["new", "open"] } });
    expect(liveTopic(parseView("open"), new URLSearchParams("is_open=true"))).toEqual({ topic: "queue", filters: { is_open: true } });
    expect(liveTopic(parseView("saved-9"), new URLSearchParams())).toEqual({ topic: "view", id: 9 });
  });

  it("saves the view's filters with the person's, ordering apart", () => {
    expect(filtersToSave(parseView("mine"), new URLSearchParams("type=leak&ordering=-priority&category=new&category=open"))).toEqual({
      filters: { assignee: "me", type: "leak", category: ["new", "open"] },
      ordering: "-priority",
    });
  });
});

describe("sortsBefore", () => {
  const row = (created_at: string, priority = 2) => ({ created_at, priority }) as TicketRow;
  it("compares in the list's ordering", () => {
    expect(sortsBefore(row("2026-12-02T10:00:00Z"), row("2026-12-01T10:00:00Z"), null)).toBe(true);
    expect(sortsBefore(row("2026-11-02T10:00:00Z"), row("2026-12-01T10:00:00Z"), "-created_at")).toBe(false);
    expect(sortsBefore(row("x", 1), row("x", 3), "priority")).toBe(true);
  });
});

describe("zonedToIso", () => {
  it("reads wall-clock times in the account's zone", () => {
    expect(zonedToIso("2026-12-02T10:00", "Europe/Moscow")).toBe("2026-12-02T07:00:00.000Z");
    expect(zonedToIso("2026-12-02", "Asia/Yekaterinburg")).toBe("2026-12-01T19:00:00.000Z");
    expect(zonedToIso("nonsense", "UTC")).toBeUndefined();
  });
});
