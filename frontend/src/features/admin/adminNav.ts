/**
 * The account administration area (/app/admin/*): its left sub-navigation and its screens.
 *
 * Every admin screen registers itself HERE (not in src/app/routes.tsx: the app has one route,
 * `admin/*`, that loads AdminLayout, and AdminLayout renders these lazily, each its own chunk):
 *
 *   - a nav entry in one of `adminNav`'s sections:  { to: "people", label: "adminpeople:nav" }
 *     (`to` is relative to /app/admin; `label` is "<namespace>:<key>" so the screen's folder owns
 *     its string; the section labels are in the "admin" namespace);
 *   - its pages in `adminRoutes`:  { path: "people/:id", load: () => import("./people/PersonPage") }
 *     (`path` relative to /app/admin, react-router syntax; the module's default export is the page).
 *
 * Screens go in sub-folders of src/features/admin/ (one folder per screen, with its own locales/).
 * Pages render inside the layout's <main> column: start with <h1> (the layout has no heading of its
 * own) and call usePageTitle.
 */
import type { ComponentType } from "react";

export interface AdminNavItem {
  to: string; // relative to /app/admin
  label: string; // "<namespace>:<key>"
}

export interface AdminNavSection {
  id: string;
  label: string; // "<namespace>:<key>"
  items: AdminNavItem[];
}

export interface AdminRoute {
  path: string; // relative to /app/admin
  load: () => Promise<{ default: ComponentType }>;
}

export const adminNav: AdminNavSection[] = [
  {
    id: "desk",
    label: "admin:sections.desk",
    items: [
      { to: "types", label: "admin:nav.types" },
      { to: "workflows", label: "admin:nav.workflows" },
      { to: "routing", label: "admin:nav.routing" },
      { to: "checklists", label: "admin:nav.checklists" },
      { to: "policies", label: "admin:nav.policies" },
      { to: "calendars", label: "calendars:nav" },
      { to: "sla", label: "sla:nav" },
    ],
  },
  {
    id: "people",
    label: "admin:sections.people",
    items: [
      { to: "people", label: "people:nav" },
      { to: "companies", label: "companies:nav" },
      { to: "locations", label: "locations:nav" },
    ],
  },
  {
    id: "account",
    label: "admin:sections.account",
    items: [
      { to: "announcements", label: "announcements:nav" },
      { to: "notifications", label: "notifications:rules.nav" },
      { to: "partnerships", label: "partnerships:nav" },
      { to: "billing", label: "billing:nav" },
      { to: "branding", label: "branding:nav" },
      { to: "audit", label: "audit:nav" },
      { to: "tokens", label: "tokens:nav" },
    ],
  },
];

export const adminRoutes: AdminRoute[] = [
  { path: "types", load: () => import("./types/TypesPage") },
  { path: "types/:id", load: () => import("./types/TypeEditPage") },
  { path: "workflows", load: () => import("./workflows/WorkflowsPage") },
  { path: "workflows/:id", load: () => import("./workflows/WorkflowEditPage") },
  { path: "routing", load: () => import("./routing/RoutingPage") },
  { path: "checklists", load: () => import("./checklists/ChecklistsPage") },
  { path: "policies", load: () => import("./policies/PoliciesPage") },
  { path: "calendars", load: () => import("./calendars/CalendarsPage") },
  { path: "calendars/:id", load: () => import("./calendars/CalendarEditPage") }, // "new" too
  { path: "sla", load: () => import("./sla/SlaPoliciesPage") },
  { path: "people", load: () => import("./people/PeoplePage") },
  { path: "companies", load: () => import("./companies/CompaniesPage") },
  { path: "locations", load: () => import("./locations/LocationsPage") },
  { path: "announcements", load: () => import("./announcements/AnnouncementsPage") },
  { path: "notifications", load: () => import("@/features/notifications/RulesPage") },
  { path: "partnerships", load: () => import("./partnerships/PartnershipsPage") },
  { path: "billing", load: () => import("./billing/BillingPage") },
  { path: "branding", load: () => import("./branding/BrandingPage") },
  { path: "audit", load: () => import("./audit/AuditPage") },
  { path: "tokens", load: () => import("./tokens/TokensPage") },
];

/** The first screen: /app/admin opens it. */
export const adminHome = "types";

/** The namespaces the sub-navigation needs. */
export function adminNavNamespaces(): string[] {
  const names = new Set<string>(["admin"]);
  for (const section of adminNav) {
    names.add(section.label.split(":")[0]!);
    for (const item of section.items) names.add(item.label.split(":")[0]!);
  }
  return [...names];
}
