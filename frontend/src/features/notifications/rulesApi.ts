import { api, unwrap } from "@/api/client";
import type { Channel } from "./preferencesApi";

export interface RuleRow {
  kind: string;
  label: string;
  channel: Channel;
  enabled: boolean;
  /** e-mail only: collected into each person's digest */
  digest: boolean;
}

export const rulesKey = ["notifications", "rules"] as const;

export async function getRules(): Promise<RuleRow[]> {
  const body = (await unwrap(api.GET("/api/v1/notification-rules/"))) as unknown as { rules: RuleRow[] };
  return body.rules;
}

export async function saveRules(rules: { kind: string; channel: Channel; enabled: boolean; digest: boolean }[]): Promise<RuleRow[]> {
  const body = (await unwrap(api.PUT("/api/v1/notification-rules/", { body: { rules } }))) as unknown as { rules: RuleRow[] };
  return body.rules;
}
