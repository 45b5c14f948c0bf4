import { describe, expect, it } from "vitest";
import type { Announcement } from "../api";
import { unreadFirst } from "./AnnouncementsPage";

const item = (id: number, published: string, waiting: boolean, requires = true) =>
  ({
    id,
    title: `A${id}`,
    created_at: published,
    published_at: published,
    requires_confirmation: requires,
    my_confirmation: requires ? { confirmed: !waiting, confirmed_at: waiting ? null : published, confirmed_by: "" } : null,
  }) as unknown as Announcement;

describe("unreadFirst", () => {
  it("puts the announcements waiting for my confirmation first, then the newest", () => {
    const list = [
      item(1, "2026-11-01T10:00:00Z", false),
      item(2, "2026-11-03T10:00:00Z", false, false),
      item(3, "2026-10-01T10:00:00Z", true),
      item(4, "2026-11-02T10:00:00Z", true),
    ];
    expect(unreadFirst(list).map((a) => a.id)).toEqual([4, 3, 2, 1]);
  });
});
