import { beforeEach, describe, expect, it } from "vitest";
import { clearRequestDraft, emptyRequestDraft, loadRequestDraft, requestDraftKey, saveRequestDraft } from "./draft";

describe("request drafts", () => {
  beforeEach(() => localStorage.clear());

  it("are kept per person and type, and survive a new page (localStorage)", () => {
    const key = requestDraftKey(7, "goods_in");
    saveRequestDraft(key, { title: "Boxes", description: "", location: 3, fields: { goods: "12 boxes" } }, localStorage, 1000);
    expect(loadRequestDraft(key)).toEqual({ title: "Boxes", description: "", location: 3, fields: { goods: "12 boxes" }, savedAt: 1000 });
    expect(loadRequestDraft(requestDraftKey(7, "leak"))).toBeNull();
    expect(loadRequestDraft(requestDraftKey(8, "goods_in"))).toBeNull();
  });

  it("are removed when nothing is typed, and cleared after filing", () => {
    const key = requestDraftKey(7, "leak");
    saveRequestDraft(key, { ...emptyRequestDraft, location: 5, fields: { severity: "" } });
    expect(localStorage.getItem(key)).toBeNull(); // a preselected place alone is no draft
    saveRequestDraft(key, { ...emptyRequestDraft, title: "Drip" });
    expect(loadRequestDraft(key)?.title).toBe("Drip");
    clearRequestDraft(key);
    expect(loadRequestDraft(key)).toBeNull();
  });

  it("read whatever is stored defensively", () => {
    const key = requestDraftKey(1, "x");
    localStorage.setItem(key, "{not json");
    expect(loadRequestDraft(key)).toBeNull();
    localStorage.setItem(key, JSON.stringify({ title: 5, fields: [1], location: "3" }));
    expect(loadRequestDraft(key)).toEqual({ title: "", description: "", location: null, fields: {} });
  });
});
