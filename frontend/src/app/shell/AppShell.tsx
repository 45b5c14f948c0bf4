import { Suspense } from "react";
import { Outlet } from "react-router";
import { useTranslation } from "react-i18next";
import { KeyboardShortcuts } from "@/shared/keyboard";
import { PageLoading } from "@/shared/ui";
import { Toaster } from "@/shared/ui/Toaster";
import { ImpersonationBanner } from "@/features/impersonation/ImpersonationBanner";
import { Sidebar } from "./Sidebar";
import { TopBar } from "./TopBar";

/** Sidebar + top bar around the current page (pages load lazily into <main>). */
export function AppShell() {
  const { t } = useTranslation("app");
  return (
    <div className="app-shell">
      <a className="a-skip-link" href="#main">
        {t("shell.skipToContent")}
      </a>
      <KeyboardShortcuts />
      <Sidebar />
      <div className="app-shell__body">
        <ImpersonationBanner />
        <TopBar />
        <main id="main" className="app-shell__main" tabIndex={-1}>
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
      <Toaster />
    </div>
  );
}
