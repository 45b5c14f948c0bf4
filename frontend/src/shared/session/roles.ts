/** Where a person works, by the role the API gives them (GET /api/v1/me/ `user.role`). */
export const AGENT_ROLES: ReadonlySet<string> = new Set(["account_admin", "dispatcher", "engineer", "guard", "approver"]);

export function isAgentRole(role: string | undefined): boolean {
  return role != null && AGENT_ROLES.has(role);
}

/** The start page of a role: agents work in /app/, requesters (key users, employees, visitors) in /portal/. */
export function homeFor(role: string | undefined): string {
  return isAgentRole(role) ? "/app/" : "/portal/";
}

/**
 * A `?next=` target we may follow: a path on this origin (never `//host`, a scheme or a backslash
 * trick), under /app/ or /portal/. Anything else → undefined.
 */
export function safeNext(next: string | null | undefined, origin: string = globalThis.location?.origin ?? "http://localhost"): string | undefined {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return undefined;
  try {
    const url = new URL(next, origin);
    if (url.origin !== origin) return undefined;
    if (!/^\/(app|portal)(\/|$)/.test(url.pathname)) return undefined;
    if (/^\/app\/(sign-in|forgot-password|reset-password|accept-invitation)/.test(url.pathname)) return undefined;
    return url.pathname + url.search + url.hash;
  } catch {
    return undefined;
  }
}

/** Where to go after signing in: `next` if it is safe and fits the role, else the role's home. */
export function afterSignIn(role: string | undefined, next: string | null | undefined): string {
  const target = safeNext(next);
  const home = homeFor(role);
  if (target && (isAgentRole(role) || target.startsWith("/portal"))) return target;
  return home;
}
