import { api, type Schemas, unwrap } from "@/api/client";

export type Person = Schemas["Person"];
export type Group = Schemas["Group"];
export type Role = Schemas["RoleEnum"];
export type Billing = Schemas["Billing"];

export const ROLES: Role[] = ["account_admin", "dispatcher", "engineer", "guard", "approver", "key_user", "employee", "visitor"];

export const peopleKey = ["admin", "people"] as const;
export const groupsKey = ["admin", "groups"] as const;
export const billingKey = ["admin", "billing"] as const;

export async function listPeople(q: string): Promise<Person[]> {
  const page = await unwrap(api.GET("/api/v1/people/", { params: { query: { page_size: 200, ...(q ? { q } : {}) } } }));
  return page.results;
}

export async function listGroups(): Promise<Group[]> {
  const page = await unwrap(api.GET("/api/v1/groups/", { params: { query: { page_size: 200 } } }));
  return page.results;
}

export const getBilling = () => unwrap(api.GET("/api/v1/billing/"));

export const invitePerson = (body: Schemas["PersonWrite"]) => unwrap(api.POST("/api/v1/people/", { body }));

export const updatePerson = (id: number, body: Schemas["PatchedPersonWrite"]) =>
  unwrap(api.PATCH("/api/v1/people/{id}/", { params: { path: { id } }, body }));

export const blockPerson = (id: number, reason: string) =>
  unwrap(api.POST("/api/v1/people/{id}/block/", { params: { path: { id } }, body: { reason } }));

export const unblockPerson = (id: number) => unwrap(api.POST("/api/v1/people/{id}/unblock/", { params: { path: { id } } }));

export const resendInvitation = (id: number) =>
  unwrap(api.POST("/api/v1/people/{id}/resend-invitation/", { params: { path: { id } } }));

export const createGroup = (body: Schemas["GroupWrite"]) => unwrap(api.POST("/api/v1/groups/", { body }));

/** Rename (code and name; members stay as they are when not sent). */
export const updateGroup = (id: number, body: Schemas["GroupWrite"]) =>
  unwrap(api.PUT("/api/v1/groups/{id}/", { params: { path: { id } }, body }));

/** The API refuses (400, field `group`) while tickets or configuration still use the group. */
export const deleteGroup = (id: number) => unwrap(api.DELETE("/api/v1/groups/{id}/", { params: { path: { id } } }));

/** "2026-12-31" (the date input) → the end of that day in the browser's offset, for the API; "" → null. */
export function expiryFromDateInput(value: string): string | null {
  if (!value) return null;
  return new Date(`${value}T23:59:59`).toISOString();
}

/** The API's datetime → "YYYY-MM-DD" for a date input (the browser's calendar day). */
export function expiryToDateInput(value: string | null | undefined): string {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
