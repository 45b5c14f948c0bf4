import { api, type Schemas, unwrap } from "@/api/client";

export type SignedInPerson = Schemas["SignedInPerson"];

export function signIn(body: { email: string; password: string }): Promise<SignedInPerson> {
  return unwrap(api.POST("/api/v1/auth/session/", { body }));
}

export function requestPasswordReset(body: { email: string }): Promise<void> {
  return unwrap(api.POST("/api/v1/auth/password-reset/", { body }));
}

export function confirmPasswordReset(body: { uid: string; token: string; password: string }): Promise<void> {
  return unwrap(api.POST("/api/v1/auth/password-reset/confirm/", { body }));
}

/** Sets the first password. The API does not sign the person in: they sign in next. */
export function acceptInvitation(body: { uid: string; token: string; password: string }): Promise<void> {
  return unwrap(api.POST("/api/v1/auth/invitations/accept/", { body }));
}

/** The sign-up's sign-in link: a browser session as the new account's admin (single use). */
export function signInWithWelcomeLink(body: { uid: string; token: string }): Promise<SignedInPerson> {
  return unwrap(api.POST("/api/v1/auth/welcome/", { body }));
}

/** Errors about the mailed link itself rather than the password typed. */
export const LINK_ERRORS = new Set(["link_expired", "link_invalid"]);
