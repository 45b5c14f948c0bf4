import { describe, expect, it } from "vitest";
import type { TicketType } from "../api";
import { addField, copyOfType, fromFormFields, keyFromLabel, moveField, removeField, stepField, toFormFields, updateField } from "./formDoc";

describe("form builder document", () => {
  it("derives unique slug keys from labels, in Russian too", () => {
    expect(keyFromLabel("Photo of the shop", [])).toBe("photo_of_the_shop");
    expect(keyFromLabel("Фото витрины", [])).toBe("foto_vitriny");
    expect(keyFromLabel("Floor", ["floor", "floor_2"])).toBe("floor_3");
    expect(keyFromLabel("!!!", [])).toBe("field");
  });

  it("adds, edits, reorders and removes fields, keeping the key the admin typed", () => {
    let doc = addField([], "text");
    doc = addField(doc, "choice");
    doc = addField(doc, "date");
    const [a, b, c] = doc.map((f) => f.uid) as [string, string, string];
    doc = updateField(doc, a, { label: "Shop name", required: true });
    expect(doc[0]!.key).toBe("shop_name");
    doc = updateField(doc, b, { key: "urgency" });
    doc = updateField(doc, b, { label: "How urgent", choices: ["Low", " High ", ""] });
    expect(doc[1]!.key).toBe("urgency"); // typed by hand: labels no longer rename it
    doc = moveField(doc, c, a);
    expect(doc.map((f) => f.uid)).toEqual([c, a, b]);
    doc = stepField(doc, c, 1);
    expect(doc.map((f) => f.uid)).toEqual([a, c, b]);
    expect(stepField(doc, a, -1)).toBe(doc); // already first
    doc = removeField(doc, c);
    expect(toFormFields(doc)).toEqual([
      { key: "shop_name", label: "Shop name", kind: "text", required: true, help_text: "", choices: [], min_value: null, max_value: null, max_length: null },
      { key: "urgency", label: "How urgent", kind: "choice", required: false, help_text: "", choices: ["Low", "High"], min_value: null, max_value: null, max_length: null },
    ]);
  });

  it("sends only the options a kind uses", () => {
    let doc = addField([], "number", "Floor");
    doc = updateField(doc, doc[0]!.uid, { min_value: "-2", max_value: " 5 ", max_length: "40", choices: ["x"] });
    expect(toFormFields(doc)[0]).toMatchObject({ min_value: "-2", max_value: "5", max_length: null, choices: [] });
    doc = updateField(doc, doc[0]!.uid, { kind: "text" });
    expect(toFormFields(doc)[0]).toMatchObject({ min_value: null, max_value: null, max_length: 40 });
  });

  it("round-trips the API's fields", () => {
    const fields = [{ key: "photo", label: "Photo", kind: "file" as const, required: true, choices: [], help_text: "One picture", min_value: null, max_value: null, max_length: null }];
    expect(toFormFields(fromFormFields(fields))).toEqual(fields);
  });

  it("copies a type with a free code and prefix, inactive", () => {
    const type = { id: 3, code: "leak", name: "Leak", prefix: "LK", workflow: 1, form_fields: [{ key: "a", label: "A", kind: "text" }] } as TicketType;
    const other = { ...type, id: 4, code: "leak-copy", prefix: "LK2" } as TicketType;
    const copy = copyOfType(type, [type, other], "Leak (copy)");
    expect(copy).toMatchObject({ code: "leak-copy-2", name: "Leak (copy)", is_active: false, workflow: 1 });
    expect(copy.prefix).not.toBe("LK2");
    expect("id" in copy).toBe(false);
    expect(copy.form_fields).toEqual(type.form_fields);
  });
});
