import { describe, expect, it } from "vitest";
import { conditionsFromApi, conditionsToApi } from "./conditions";

describe("approval policy conditions", () => {
  it("reads every condition the API has and writes the same JSON back, keeping unknown keys", () => {
    const api = {
      priorities: [1, 2],
      channels: ["portal"],
      companies: [7],
      locations: [3],
      fields: [
        { key: "amount", op: "gte", value: 1000 },
        { key: "kind", op: "in", value: ["goods", "furniture"] },
        { key: "urgent", op: "eq", value: true },
      ],
      time: { from: "08:00", to: "20:00", weekdays: [0, 4] },
      future_key: { x: 1 },
    };
    const draft = conditionsFromApi(api);
    expect(draft.fields).toEqual([
      { key: "amount", op: "gte", value: "1000" },
      { key: "kind", op: "in", value: "goods, furniture" },
      { key: "urgent", op: "eq", value: "true" },
    ]);
    expect(draft.timeOn).toBe(true);
    expect(conditionsToApi(draft)).toEqual(api);
  });

  it("leaves out empty parts, blank field rows and the time window when it is off", () => {
    const draft = conditionsFromApi({});
    expect(draft.timeOn).toBe(false);
    draft.fields = [{ key: "  ", op: "eq", value: "x" }, { key: " floor ", op: "lte", value: "12" }];
    expect(conditionsToApi(draft)).toEqual({ fields: [{ key: "floor", op: "lte", value: 12 }] });
    expect(conditionsToApi({ ...conditionsFromApi(null), weekdays: [3] })).toEqual({});
  });

  it("sorts the weekdays of a time window", () => {
    const draft = { ...conditionsFromApi({}), timeOn: true, timeFrom: "22:00", timeTo: "06:00", weekdays: [5, 1] };
    expect(conditionsToApi(draft)).toEqual({ time: { from: "22:00", to: "06:00", weekdays: [1, 5] } });
  });
});
