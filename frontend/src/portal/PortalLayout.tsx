import { useQueryClient } from "@tanstack/react-query";
import { Suspense, useEffect, useState } from "react";
import { Outlet, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { fullPageNavigate, signInUrl } from "@/shared/navigation";
import { signOut, useMeQuery } from "@/shared/session/api";
import { useSessionLanguage } from "@/shared/session/language";
import { SessionProvider } from "@/shared/session/SessionContext";
import { Button, ErrorAlert, PageLoading } from "@/shared/ui";

/** Loads /me/ (anonymous → the sign-in page, then back here), the header, the page. */
export function PortalLayout() {
  const { t } = useTranslation("portal");
  const { data: me, error, isPending, refetch } = useMeQuery();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [leaving, setLeaving] = useState(false);
  useSessionLanguage(me);

  useEffect(() => {
    if (me === null) fullPageNavigate(signInUrl(`/portal${location.pathname === "/" ? "/" : location.pathname}`));
  }, [me, location.pathname]);

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
      await signOut(queryClient);
    } finally {
      fullPageNavigate(signInUrl());
    }
  };

  return (
    <SessionProvider me={me}>
      <header className="portal-header">
        <div className="portal-header__account">{me.account.name}</div>
        <Button size="sm" variant="ghost" busy={leaving} onClick={() => void onSignOut()}>
          {t("shared:signOut")}
        </Button>
      </header>
      <main className="portal-main" id="main">
        <Suspense fallback={<PageLoading />}>
          <Outlet />
        </Suspense>
      </main>
    </SessionProvider>
  );
}
