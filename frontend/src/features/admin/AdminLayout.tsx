import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from "react";
import { NavLink, Navigate, Route, Routes } from "react-router";
import { useTranslation } from "react-i18next";
import { NotFoundPage } from "@/app/NotFoundPage";
import { useSession } from "@/shared/session/SessionContext";
import { Alert, PageLoading, usePageTitle } from "@/shared/ui";
import { adminHome, adminNav, adminNavNamespaces, adminRoutes } from "./adminNav";
import { isAccountAdmin } from "./access";
import "./admin.css";

const pages: { path: string; Page: LazyExoticComponent<ComponentType> }[] = adminRoutes.map((route) => ({
  path: route.path,
  Page: lazy(route.load),
}));

/**
 * /app/admin/*: the account administration area — a left sub-navigation (adminNav.ts) beside the
 * current admin screen. People who are not account admins get a notice instead (the API would
 * answer them 403 anyway).
 */
export default function AdminLayout() {
  const { t } = useTranslation(adminNavNamespaces());
  const me = useSession();
  if (!isAccountAdmin(me)) return <AdminForbidden />;
  return (
    <div className="admin">
      <nav className="admin__nav" aria-label={t("admin:navLabel")}>
        <div className="admin__nav-title">{t("admin:title")}</div>
        {adminNav.map((section) =>
          section.items.length ? (
            <div key={section.id} className="admin__nav-section">
              <div className="admin__nav-section-label" id={`admin-nav-${section.id}`}>
                {t(section.label)}
              </div>
              <ul aria-labelledby={`admin-nav-${section.id}`}>
                {section.items.map((item) => (
                  <li key={item.to}>
                    <NavLink to={`/admin/${item.to}`} className={({ isActive }) => `admin__nav-link${isActive ? " is-active" : ""}`}>
                      {t(item.label)}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </div>
          ) : null,
        )}
      </nav>
      <div className="admin__screen">
        <Suspense fallback={<PageLoading />}>
          <Routes>
            <Route index element={<Navigate to={`/admin/${adminHome}`} replace />} />
            {pages.map(({ path, Page }) => (
              <Route key={path} path={path} element={<Page />} />
            ))}
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </div>
    </div>
  );
}

function AdminForbidden() {
  const { t } = useTranslation("admin");
  usePageTitle(t("title"));
  return (
    <div className="a-page">
      <h1>{t("title")}</h1>
      <Alert tone="warning">{t("forbidden")}</Alert>
    </div>
  );
}
