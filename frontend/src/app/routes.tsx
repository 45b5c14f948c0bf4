/**
 * The app's pages (everything under /app/). A feature adds its pages HERE, lazily loaded, so each
 * page is its own chunk and the initial bundle stays small:
 *
 *   { path: "tickets/:id", load: () => import("@/features/tickets/TicketPage") },
 *
 * `path` is relative to /app (react-router syntax). `area: "public"` pages render without the
 * shell and without a session (sign-in and the mailed-link pages); `area: "shell"` pages need a
 * signed-in agent and render inside the shell (sidebar + top bar). The module's default export
 * is the page component. Nav entries are separate: nav.ts.
 */
import type { ComponentType } from "react";

export interface AppRoute {
  path: string;
  load: () => Promise<{ default: ComponentType }>;
  area: "public" | "shell";
}

export const appRoutes: AppRoute[] = [
  // auth (no session needed)
  { area: "public", path: "sign-in", load: () => import("@/features/auth/SignInPage") },
  { area: "public", path: "forgot-password", load: () => import("@/features/auth/ForgotPasswordPage") },
  { area: "public", path: "reset-password", load: () => import("@/features/auth/ResetPasswordPage") },
  { area: "public", path: "accept-invitation", load: () => import("@/features/auth/AcceptInvitationPage") },
  { area: "public", path: "welcome", load: () => import("@/features/auth/WelcomePage") },

  // the workspace
  { area: "shell", path: "queues", load: () => import("@/features/queues/QueuesPage") },
  { area: "shell", path: "queues/:view", load: () => import("@/features/queues/QueuesPage") },
  { area: "shell", path: "tickets/new", load: () => import("@/features/newticket/NewTicketPage") }, // before tickets/:id
  { area: "shell", path: "tickets/:id", load: () => import("@/features/tickets/TicketPage") },
  { area: "shell", path: "profile", load: () => import("@/features/profile/ProfilePage") },
  { area: "shell", path: "approvals", load: () => import("@/features/approvals/ApprovalsPage") },
  { area: "shell", path: "gate", load: () => import("@/features/gate/GatePage") },
  { area: "shell", path: "maintenance", load: () => import("@/features/maintenance/PlanPage") },
  { area: "shell", path: "maintenance/schedules", load: () => import("@/features/maintenance/SchedulesPage") },
  { area: "shell", path: "maintenance/schedules/:id", load: () => import("@/features/maintenance/ScheduleEditPage") }, // "new" too
  // account administration: one route; its screens are registered in src/features/admin/adminNav.ts
  { area: "shell", path: "admin/*", load: () => import("@/features/admin/AdminLayout") },
];
