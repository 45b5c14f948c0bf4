import { describe, expect, it } from "vitest";
import { PHOTO_LIMITS, resizeDecision } from "./photos";

describe("resizeDecision", () => {
  it("leaves small pictures as they are", () => {
    expect(resizeDecision({ type: "image/jpeg", bytes: 400_000, width: 1600, height: 1200 })).toEqual({ resize: false });
  });

  it("shrinks a camera picture to the longest side limit, keeping its proportions", () => {
    expect(resizeDecision({ type: "image/jpeg", bytes: 5_000_000, width: 4000, height: 3000 })).toEqual({ resize: true, width: 2048, height: 1536 });
    expect(resizeDecision({ type: "image/png", bytes: 900_000, width: 1500, height: 6000 })).toEqual({ resize: true, width: 512, height: 2048 });
  });

  it("re-encodes a heavy picture that is already small enough in pixels", () => {
    expect(resizeDecision({ type: "image/png", bytes: PHOTO_LIMITS.maxBytes + 1, width: 1800, height: 1000 })).toEqual({
      resize: true,
      width: 1800,
      height: 1000,
    });
  });

  it("never touches documents, GIFs or pictures it cannot measure", () => {
    expect(resizeDecision({ type: "application/pdf", bytes: 9_000_000, width: 5000, height: 5000 })).toEqual({ resize: false });
    expect(resizeDecision({ type: "image/gif", bytes: 9_000_000, width: 5000, height: 5000 })).toEqual({ resize: false });
    expect(resizeDecision({ type: "image/jpeg", bytes: 9_000_000, width: 0, height: 0 })).toEqual({ resize: false });
  });
});
