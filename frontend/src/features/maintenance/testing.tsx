/** Test fixtures shared by the maintenance screens' tests. */
import type { ReactNode } from "react";
import { SessionProvider } from "@/shared/session/SessionContext";
import type { Me } from "@/shared/session/api";

export const me = {
  user: { id: 7, email: "d@zelenopark.demo", full_name: "Dina Dispatcher", role: "dispatcher", language: "en" },
  account: { slug: "zelenopark", name: "Zelenopark", kind: "mall", status: "active", language: "en", time_zone: "Europe/Moscow" },
  capabilities: { check_at_gate: false, decide_approvals: false, plan_maintenance: true },
  impersonation: null,
} as unknown as Me;

export function withSession(node: ReactNode) {
  return <SessionProvider me={me}>{node}</SessionProvider>;
}

export const page = (results: unknown[]) => ({ next: null, previous: null, results });
