import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useState } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { fullPageNavigate } from "@/shared/navigation";
import { signOut, useMeQuery } from "@/shared/session/api";
import { useSessionLanguage } from "@/shared/session/language";
import { SessionProvider } from "@/shared/session/SessionContext";
import { ErrorAlert } from "@/shared/ui/Alert";
import { Button } from "@/shared/ui/Button";
import { Icon, type IconName } from "@/shared/ui/Icon";
import { LanguageSwitch } from "@/shared/ui/LanguageSwitch";
import { PageLoading } from "@/shared/ui/Spinner";
import { PageTitleSuffix } from "@/shared/ui/usePageTitle";
import { applyBranding, useBranding } from "./branding";
import { useAfterFirstScreen } from "./idle";
import { portalSignInUrl } from "./links";

// The bell (and the live client it listens on) mounts after the first screen (its queries
// answered, the browser idle), its own chunk: not part of the portal's initial JavaScript (budget 120 KB gzipped,
// bench/web.py) nor of the main thread's work before a page's rows show.
const NotificationBell = lazy(() => import("@/features/notifications/NotificationBell").then((m) => ({ default: m.NotificationBell })));

interface NavItem {
  to: string;
  label: string;
  icon: IconName;
  end?: boolean;
  children?: NavItem[];
}

/** The company page is the key user's (the API's /team/ answers only them). */
function navFor(role: string): NavItem[] {
  const items: NavItem[] = [
    { to: "/", label: "nav.home", icon: "queue", end: true },
    {
      to: "/requests",
      label: "nav.requests",
      icon: "reply",
      children: [
        { to: "/requests", label: "nav.myRequests", icon: "reply", end: true },
        { to: "/new", label: "nav.new", icon: "plus" },
      ],
    },
    { to: "/passes", label: "nav.passes", icon: "shield" },
    { to: "/announcements", label: "nav.announcements", icon: "globe" },
  ];
  if (role === "key_user") items.push({ to: "/company", label: "nav.company", icon: "user" });
  return items;
}

/** Loads /me/ (anonymous → the portal's sign-in page, then back here), the brand, the navigation. */
export function PortalLayout() {
  const { t } = useTranslation("portal");
  const { data: me, error, isPending, refetch } = useMeQuery();
  const { data: branding } = useBranding();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [leaving, setLeaving] = useState(false);
  const afterFirstScreen = useAfterFirstScreen();
  useSessionLanguage(me);
  useEffect(() => applyBranding(branding), [branding]);

  useEffect(() => {
    if (me === null) fullPageNavigate(portalSignInUrl(`/portal${location.pathname === "/" ? "/" : location.pathname}${location.search}`));
  }, [me, location.pathname, location.search]);

  if (isPending || me === null) return <PageLoading />;
  if (error) {
    return (
      <main className="portal-main">
        <ErrorAlert error={error} />
        <Button onClick={() => void refetch()}>{t("shared:actions.retry")}</Button>
      </main>
    );
  }

  const onSignOut = async () => {
    setLeaving(true);
    try {
      await (await import("./serviceWorker")).forgetOfflineCopies();
      await signOut(queryClient);
    } finally {
      fullPageNavigate(portalSignInUrl());
    }
  };

  const name = branding?.portal_name || branding?.name || me.account.name;
  const nav = navFor(me.user.role);
  const bottom = nav.flatMap((item) => (item.children ? item.children : [item])).filter((item) => item.to !== "/company");

  return (
    <SessionProvider me={me}>
      <PageTitleSuffix value={name}>
        <a className="portal-skip" href="#main">
          {t("skip")}
        </a>
        <div className="portal-shell">
          <header className="portal-header">
            <NavLink to="/" className="portal-brand" aria-label={t("homeOf", { name })}>
              {branding?.logo_url ? (
                <img src={branding.logo_url} alt="" className="portal-brand__logo" />
              ) : (
                <span className="portal-brand__mark" aria-hidden="true">
                  {name.slice(0, 1)}
                </span>
              )}
              <span className="portal-brand__name">{name}</span>
            </NavLink>
            <div className="portal-header__tools">
              {afterFirstScreen && (
                <Suspense fallback={null}>
                  <NotificationBell />
                </Suspense>
              )}
              <div className="portal-header__lang">
                <LanguageSwitch compact />
              </div>
              <Button size="sm" variant="ghost" busy={leaving} onClick={() => void onSignOut()}>
                {t("shared:signOut")}
              </Button>
            </div>
          </header>
          <nav className="portal-sidebar" aria-label={t("nav.label")}>
            <ul>
              {nav.map((item) => (
                <li key={item.to + item.label}>
                  <NavLink to={item.to} end={item.end} className="portal-sidebar__link">
                    <Icon name={item.icon} />
                    <span>{t(item.label)}</span>
                  </NavLink>
                  {item.children && (
                    <ul className="portal-sidebar__sub">
                      {item.children.map((child) => (
                        <li key={child.to}>
                          <NavLink to={child.to} end={child.end} className="portal-sidebar__sublink">
                            {t(child.label)}
                          </NavLink>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          </nav>
          <main className="portal-main" id="main" tabIndex={-1}>
            <Suspense fallback={<PageLoading />}>
              <Outlet />
            </Suspense>
          </main>
          <nav className="portal-tabbar" aria-label={t("nav.tabs")}>
            {bottom.map((item) => (
              <NavLink key={item.to} to={item.to} end={item.end ?? item.to !== "/requests"} className="portal-tabbar__link">
                <Icon name={item.icon} size={22} />
                <span>{t(item.label === "nav.myRequests" ? "nav.requestsShort" : item.label)}</span>
              </NavLink>
            ))}
          </nav>
        </div>
      </PageTitleSuffix>
    </SessionProvider>
  );
}
