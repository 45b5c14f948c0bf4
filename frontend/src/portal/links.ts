/** Addresses inside the portal that leave its router (a full page load). */
export function portalSignInUrl(next?: string): string {
  return next ? `/portal/sign-in?next=${encodeURIComponent(next)}` : "/portal/sign-in";
}
