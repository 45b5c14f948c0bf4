import { api, unwrap } from "@/api/client";

/** Ends the person's other sessions and tokens; this one stays signed in. */
export function changePassword(body: { old_password: string; new_password: string }): Promise<void> {
  return unwrap(api.POST("/api/v1/auth/password/", { body }));
}
