import { describe, expect, it } from "vitest";
import { fromRows, toRows } from "./maps";

describe("mapping rows", () => {
  it("round-trips the API's object", () => {
    const map = { leak: "work_order", breakdown: "work_order" };
    expect(fromRows(toRows(map))).toEqual(map);
  });
  it("drops blank keys and trims", () => {
    expect(fromRows([{ from: " leak ", to: " wo " }, { from: "  ", to: "x" }])).toEqual({ leak: "wo" });
  });
});
