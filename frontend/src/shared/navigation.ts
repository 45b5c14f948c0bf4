/**
 * Moving between the two entries (/app/ and /portal/ are separate single-page apps: a full page
 * load) or within the app router (basename /app).
 */
export const APP_BASE = "/app";

/** "/app/queues?x=1" → "/queues?x=1" for the app router; undefined if not under /app. */
export function appRouterPath(path: string): string | undefined {
  if (path === APP_BASE) return "/";
  if (path.startsWith(`${APP_BASE}/`) || path.startsWith(`${APP_BASE}?`)) return path.slice(APP_BASE.length) || "/";
  return undefined;
}

export function fullPageNavigate(path: string): void {
  globalThis.location.assign(path);
}

export function signInUrl(next?: string): string {
  return next ? `${APP_BASE}/sign-in?next=${encodeURIComponent(next)}` : `${APP_BASE}/sign-in`;
}
