/**
 * The sidebar. Add an entry when a feature's page exists (register the route in routes.tsx).
 * `label` is an i18next key with its namespace ("queues:nav"), so the feature owns its string.
 * Areas not built yet stay out of this list (see the commented ones) rather than showing dead
 * links. `show` may hide an entry by what the API said about the person (never invent rules:
 * prefer hiding only what the API would refuse anyway).
 */
import type { IconName } from "@/shared/ui";
import type { Me } from "@/shared/session/api";
import { isAccountAdmin } from "@/features/admin/access";

export interface NavItem {
  to: string; // relative to /app
  label: string; // "<namespace>:<key>"
  icon: IconName;
  end?: boolean;
  show?: (me: Me) => boolean;
}

export interface NavSection {
  id: string;
  label?: string; // "<namespace>:<key>"
  items: NavItem[];
}

export const navSections: NavSection[] = [
  {
    id: "work",
    items: [
      { to: "/queues", label: "queues:nav", icon: "queue" },
      { to: "/tickets/new", label: "newticket:nav", icon: "plus", end: true },
      // the field screens: shown to whom /me/ says the API lets use them
      { to: "/approvals", label: "approvals:nav", icon: "check", show: (me) => me.capabilities?.decide_approvals === true },
      { to: "/gate", label: "gate:nav", icon: "scan", show: (me) => me.capabilities?.check_at_gate === true },
      { to: "/maintenance", label: "maintenance:nav", icon: "calendar", show: (me) => me.capabilities?.plan_maintenance === true },
      // later areas, added by their features when built:
      // { to: "/passes", label: "passes:nav", icon: "badge" },
      // { to: "/announcements", label: "notices:nav", icon: "megaphone" },
    ],
  },
  {
    id: "admin",
    items: [{ to: "/admin", label: "admin:nav.admin", icon: "shield", show: isAccountAdmin }],
  },
];

/** The namespaces the nav labels need (loaded with the shell). */
export function navNamespaces(): string[] {
  const names = new Set<string>();
  for (const section of navSections) {
    if (section.label) names.add(section.label.split(":")[0]!);
    for (const item of section.items) names.add(item.label.split(":")[0]!);
  }
  return [...names];
}
