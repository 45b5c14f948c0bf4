import { api, unwrap } from "@/api/client";
import { getLiveClient } from "@/shared/live";

/**
 * Ends the person's other sessions and tokens; this one stays signed in. The server also closes
 * every live socket of the old credentials (4403), this tab's included, so the tab's live client
 * is reset to connect again with the renewed session.
 */
export async function changePassword(body: { old_password: string; new_password: string }): Promise<void> {
  await unwrap(api.POST("/api/v1/auth/password/", { body }));
  getLiveClient().reset();
}
