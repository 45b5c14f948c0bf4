import { useEffect } from "react";
import { Navigate, Outlet, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { useMeQuery } from "@/shared/session/api";
import { useSessionLanguage } from "@/shared/session/language";
import { SessionProvider } from "@/shared/session/SessionContext";
import { isAgentRole } from "@/shared/session/roles";
import { APP_BASE, fullPageNavigate } from "@/shared/navigation";
import { Button, ErrorAlert, PageLoading } from "@/shared/ui";

/**
 * The auth guard: loads GET /api/v1/me/. Nobody signed in → /app/sign-in?next=<this page>;
 * a requester → /portal/; an agent → the shell, with the session in context.
 */
export function RequireAgent() {
  const { data: me, error, isPending, refetch, isRefetching } = useMeQuery();
  const location = useLocation();
  const { t } = useTranslation("app");
  useSessionLanguage(me);
  const requester = me != null && !isAgentRole(me.user.role);

  useEffect(() => {
    if (requester) fullPageNavigate("/portal/");
  }, [requester]);

  if (isPending) return <PageLoading />;
  if (error) {
    return (
      <main className="a-fatal">
        <h1>{t("guard.failed")}</h1>
        <ErrorAlert error={error} />
        <Button variant="primary" busy={isRefetching} onClick={() => void refetch()}>
          {t("shared:actions.retry")}
        </Button>
      </main>
    );
  }
  if (me === null) {
    const next = `${APP_BASE}${location.pathname === "/" ? "/" : location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  if (requester) return <PageLoading />;
  return (
    <SessionProvider me={me}>
      <Outlet />
    </SessionProvider>
  );
}
