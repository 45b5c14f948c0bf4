import { type ComponentType, createElement, lazy } from "react";

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
  publicLayout: () => import("./PublicLayout").then((m) => ({ default: m.PublicLayout })),
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

type PageModule = { default: ComponentType };
const loaded = new Map<() => Promise<unknown>, PageModule>();

/** Loads a page's chunk and remembers its module (boot.ts calls it before React mounts). */
export function loadPage(load: () => Promise<unknown>): Promise<PageModule> {
  return (load() as Promise<PageModule>).then((module) => {
    loaded.set(load, module);
    return module;
  });
}

/**
 * The router's element for a page: lazy, except that a page whose chunk has already loaded (the
 * one boot.ts started) renders at once, without suspending first (a suspended page shows the
 * fallback and React then holds the content back for a while before revealing it).
 */
export function pageComponent(load: () => Promise<unknown>): ComponentType {
  const Lazy = lazy(() => loadPage(load));
  function Page() {
    const module = loaded.get(load);
    return module ? createElement(module.default) : createElement(Lazy);
  }
  return Page;
}
