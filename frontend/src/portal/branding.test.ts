import { describe, expect, it } from "vitest";
import { applyBranding, type Branding, brandingVariables, contrast, parseHex } from "./branding";

const brand = (primary: string, accent: string) => ({ primary_color: primary, accent_color: accent }) as Branding;

describe("branding → CSS variables", () => {
  it("darkens the default blue a little so links read on the grey page too", () => {
    const vars = brandingVariables(brand("#1F6FEB", "#F59E0B"));
    expect(vars["--c-brand"]).toBe("#1f6feb"); // the header keeps the colour itself
    expect(contrast(parseHex(vars["--c-primary"])!, [241, 243, 246])).toBeGreaterThanOrEqual(4.5);
    expect(vars["--c-primary"]).not.toBe("#1f6feb");
  });

  it("uses a dark enough colour as it is, with white text on it", () => {
    const vars = brandingVariables(brand("#0b6e4f", "#f2a900"));
    expect(vars["--c-primary"]).toBe("#0b6e4f");
    expect(vars["--c-brand"]).toBe("#0b6e4f");
    expect(vars["--c-on-brand"]).toBe("#ffffff");
    expect(vars["--c-accent"]).toBe("#f2a900");
    expect(vars["--c-on-accent"]).toBe("#1b2230"); // yellow: dark text
  });

  it("darkens a light brand colour for buttons and links until white text reads on it (AA)", () => {
    const vars = brandingVariables(brand("#7fd1ff", "#ffffff"));
    expect(vars["--c-brand"]).toBe("#7fd1ff");
    expect(vars["--c-on-brand"]).toBe("#1b2230");
    const primary = parseHex(vars["--c-primary"])!;
    expect(contrast(primary, [241, 243, 246])).toBeGreaterThanOrEqual(4.5); // on the page's grey too
    expect(contrast(parseHex(vars["--c-accent-text"])!, [241, 243, 246])).toBeGreaterThanOrEqual(4.5);
  });

  it("ignores what is not a colour, and an answer without branding", () => {
    expect(brandingVariables(brand("red; background: url(x)", ""))).toEqual({});
    expect(brandingVariables(null)).toEqual({});
    expect(brandingVariables(brand("#abc", "nope"))["--c-brand"]).toBe("#aabbcc");
  });

  it("puts them on <html> and takes back what a later answer no longer sets", () => {
    const root = document.createElement("html");
    applyBranding(brand("#0b6e4f", "#f2a900"), root);
    expect(root.style.getPropertyValue("--c-primary")).toBe("#0b6e4f");
    expect(root.style.getPropertyValue("--c-accent")).toBe("#f2a900");
    applyBranding(brand("#123456", ""), root);
    expect(root.style.getPropertyValue("--c-primary")).toBe("#123456");
    expect(root.style.getPropertyValue("--c-accent")).toBe("");
  });
});
