import { describe, expect, it } from "vitest";
import { depth, labelsUrl, treeOrder } from "./api";

describe("location tree helpers", () => {
  it("orders by the path's ids numerically, parents before children", () => {
    const items = [
      { path: "/1/10/", name: "b" },
      { path: "/1/", name: "root" },
      { path: "/1/9/", name: "a" },
      { path: "/1/9/12/", name: "a-child" },
      { path: "/2/", name: "other root" },
    ];
    expect(treeOrder(items).map((l) => l.name)).toEqual(["root", "a", "a-child", "b", "other root"]);
  });

  it("gives the depth from the path", () => {
    expect(depth({ path: "/1/" })).toBe(0);
    expect(depth({ path: "/1/4/9/" })).toBe(2);
  });

  it("builds the label sheet links", () => {
    expect(labelsUrl("locations", { ids: [3, 5] })).toBe("/api/v1/locations/labels.pdf?ids=3,5");
    expect(labelsUrl("equipment", { subtree: 7 })).toBe("/api/v1/equipment/labels.pdf?subtree=7");
  });
});
