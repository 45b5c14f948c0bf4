import { api, unwrap } from "@/api/client";

export type Channel = "in_app" | "email";

export interface PreferenceRow {
  kind: string;
  label: string;
  channel: Channel;
  enabled: boolean;
  /** false: the account's rule turned this channel off for everyone */
  account_enabled: boolean;
}

export interface Preferences {
  preferences: PreferenceRow[];
  quiet_hours: { start: string; end: string } | null;
  digest: "hourly" | "daily";
}

export const preferencesKey = ["notifications", "preferences"] as const;

export async function getPreferences(): Promise<Preferences> {
  return (await unwrap(api.GET("/api/v1/me/notification-preferences/"))) as unknown as Preferences;
}

export async function savePreferences(body: {
  preferences: { kind: string; channel: Channel; enabled: boolean }[];
  quiet_hours: { start: string; end: string } | null;
  digest: "hourly" | "daily";
}): Promise<Preferences> {
  return (await unwrap(api.PUT("/api/v1/me/notification-preferences/", { body }))) as unknown as Preferences;
}
