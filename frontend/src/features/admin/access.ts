import type { Me } from "@/shared/session/api";

/** Whether /me/ says this person administers the account (the API's admin endpoints answer 403 to anyone else). */
export function isAccountAdmin(me: Me | null | undefined): boolean {
  return me?.user.role === "account_admin";
}
