/** The portal's page chunks, one importer each: the router's lazy() and the boot prefetch share them. */
export const pages = {
  home: () => import("./PortalHome"),
  newRequest: () => import("./pages/NewRequestPage"),
  requests: () => import("./pages/RequestsPage"),
  request: () => import("./pages/RequestPage"),
  passes: () => import("./pages/PassesPage"),
  pass: () => import("./pages/PassPage"),
  announcements: () => import("./pages/AnnouncementsPage"),
  company: () => import("./pages/CompanyPage"),
  notFound: () => import("./pages/NotFoundPage"),
  signIn: () => import("@/features/auth/SignInPage"),
  forgotPassword: () => import("@/features/auth/ForgotPasswordPage"),
  resetPassword: () => import("@/features/auth/ResetPasswordPage"),
  acceptInvitation: () => import("@/features/auth/AcceptInvitationPage"),
};

const ROUTES: [RegExp, keyof typeof pages][] = [
  [/^\/$/, "home"],
  [/^\/new(\/[^/]+)?\/?$/, "newRequest"],
  [/^\/requests\/?$/, "requests"],
  [/^\/requests\/\d+\/?$/, "request"],
  [/^\/passes\/?$/, "passes"],
  [/^\/passes\/\d+\/?$/, "pass"],
  [/^\/announcements\/?$/, "announcements"],
  [/^\/company\/?$/, "company"],
  [/^\/sign-in\/?$/, "signIn"],
  [/^\/forgot-password\/?$/, "forgotPassword"],
  [/^\/reset-password\/?$/, "resetPassword"],
  [/^\/accept-invitation\/?$/, "acceptInvitation"],
];

/** The chunk of the page at `path` (relative to /portal), if it is one of the portal's. */
export function pageFor(path: string): (() => Promise<unknown>) | undefined {
  const hit = ROUTES.find(([pattern]) => pattern.test(path));
  return hit ? pages[hit[1]] : undefined;
}
