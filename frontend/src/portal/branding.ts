/**
 * The account's look on the portal: GET /api/v1/branding/ (no sign-in needed) gives the name, the
 * logo and two colours; they become CSS custom properties on <html>, so every `a-*` primitive and
 * portal style picks them up (tokens.css names them). Colours the API sends are used as given;
 * what we derive (hover, soft background, the text on the colour) keeps WCAG AA contrast.
 */
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

export interface Branding {
  name: string;
  portal_name: string;
  welcome_text: string;
  primary_color: string;
  accent_color: string;
  logo_url: string | null;
  icon_url: string | null;
  language: string;
  languages: string[];
}

// The endpoint is new (docs/api.md "Branding"); called through the one client, typed here until
// the generated schema carries it.
type Untyped = { GET: (path: string, init?: object) => Promise<{ data?: unknown; response: Response }> };

export async function fetchBranding(): Promise<Branding | null> {
  try {
    return (await unwrap((api as unknown as Untyped).GET("/api/v1/branding/"))) as Branding;
  } catch {
    return null; // the portal keeps Atrium's own look
  }
}

export const brandingQueryKey = ["branding"] as const;

export function useBranding() {
  return useQuery({ queryKey: brandingQueryKey, queryFn: fetchBranding, staleTime: 10 * 60_000 });
}

// ---------------------------------------------------------------------------- colours
type Rgb = [number, number, number];

export function parseHex(value: string | null | undefined): Rgb | undefined {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((value ?? "").trim());
  if (!match) return undefined;
  let hex = match[1]!;
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join("");
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, "0")).join("")}`;
}

function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function mix(a: Rgb, b: Rgb, amount: number): Rgb {
  return [0, 1, 2].map((i) => a[i]! + (b[i]! - a[i]!) * amount) as Rgb;
}

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
const INK: Rgb = [27, 34, 48]; // --c-text

const PAGE: Rgb = [241, 243, 246]; // --c-surface-2, the darkest light background text sits on

/** A colour darkened just enough to read as text or a link on the page's backgrounds (4.5:1). */
export function readableOnWhite(color: Rgb): Rgb {
  let out = color;
  for (let step = 0; step < 40 && contrast(out, PAGE) < 4.5; step++) out = mix(out, BLACK, 0.05);
  return out;
}

/** The CSS custom properties for a branding answer (empty when it names no usable colour). */
export function brandingVariables(branding: Pick<Branding, "primary_color" | "accent_color"> | null | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  const primary = parseHex(branding?.primary_color);
  if (primary) {
    // buttons and links: the colour itself if white text reads on it, else darkened until it does
    const solid = readableOnWhite(primary);
    vars["--c-primary"] = toHex(solid);
    vars["--c-primary-hover"] = toHex(mix(solid, BLACK, 0.15));
    vars["--c-primary-soft"] = toHex(mix(primary, WHITE, 0.88));
    vars["--c-focus"] = toHex(solid);
    vars["--c-on-primary"] = "#ffffff";
    vars["--c-brand"] = toHex(primary);
    vars["--c-on-brand"] = contrast(primary, WHITE) >= 4.5 ? "#ffffff" : toHex(INK);
  }
  const accent = parseHex(branding?.accent_color);
  if (accent) {
    vars["--c-accent"] = toHex(accent);
    vars["--c-on-accent"] = contrast(accent, WHITE) >= 4.5 ? "#ffffff" : toHex(INK);
    vars["--c-accent-text"] = toHex(readableOnWhite(accent));
  }
  return vars;
}

/** Put the variables on <html> (and take back the ones a previous answer set). */
export function applyBranding(branding: Branding | null | undefined, root: HTMLElement = document.documentElement): void {
  const vars = brandingVariables(branding);
  for (const name of (root.dataset.brandVars ?? "").split(" ").filter(Boolean)) {
    if (!(name in vars)) root.style.removeProperty(name);
  }
  for (const [name, value] of Object.entries(vars)) root.style.setProperty(name, value);
  root.dataset.brandVars = Object.keys(vars).join(" ");
}
