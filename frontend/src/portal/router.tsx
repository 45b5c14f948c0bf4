/**
 * The portal's pages (under /portal/). Keep this entry lean (≤ 120 KB gzipped initial JS): it
 * must never import the agent workspace (src/app, table code, Radix menus). Declarative
 * react-router (<BrowserRouter>) is lighter than the data router the app uses. Register portal
 * pages lazily here as they are built.
 */
import { lazy, Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { PageLoading } from "@/shared/ui";
import { PortalLayout } from "./PortalLayout";

const PortalHome = lazy(() => import("./PortalHome"));

export function PortalRouter() {
  return (
    <BrowserRouter basename="/portal">
      <Suspense fallback={<PageLoading />}>
        <Routes>
          <Route element={<PortalLayout />}>
            <Route index element={<PortalHome />} />
            <Route path="*" element={<PortalHome />} />
          </Route>
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}
