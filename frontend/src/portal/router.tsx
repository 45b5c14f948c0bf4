/**
 * The portal's pages (under /portal/). Keep this entry lean (≤ 120 KB gzipped initial JS): it
 * must never import the agent workspace (src/app, table code, Radix menus). Declarative
 * react-router (<BrowserRouter>) is lighter than the data router the app uses. Every page is
 * its own lazy chunk.
 */
import { lazy, Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { PageLoading } from "@/shared/ui";
import { PortalLayout } from "./PortalLayout";
import { PublicLayout } from "./PublicLayout";

const PortalHome = lazy(() => import("./PortalHome"));
const NewRequestPage = lazy(() => import("./pages/NewRequestPage"));
const RequestsPage = lazy(() => import("./pages/RequestsPage"));
const RequestPage = lazy(() => import("./pages/RequestPage"));
const PassesPage = lazy(() => import("./pages/PassesPage"));
const PassPage = lazy(() => import("./pages/PassPage"));
const AnnouncementsPage = lazy(() => import("./pages/AnnouncementsPage"));
const CompanyPage = lazy(() => import("./pages/CompanyPage"));
const NotFoundPage = lazy(() => import("./pages/NotFoundPage"));
const SignInPage = lazy(() => import("@/features/auth/SignInPage"));
const ForgotPasswordPage = lazy(() => import("@/features/auth/ForgotPasswordPage"));
const ResetPasswordPage = lazy(() => import("@/features/auth/ResetPasswordPage"));
const AcceptInvitationPage = lazy(() => import("@/features/auth/AcceptInvitationPage"));

export function PortalRouter() {
  return (
    <BrowserRouter basename="/portal">
      <Suspense fallback={<PageLoading />}>
        <Routes>
          <Route element={<PublicLayout />}>
            <Route path="sign-in" element={<SignInPage />} />
            <Route path="forgot-password" element={<ForgotPasswordPage />} />
            <Route path="reset-password" element={<ResetPasswordPage />} />
            <Route path="accept-invitation" element={<AcceptInvitationPage />} />
          </Route>
          <Route element={<PortalLayout />}>
            <Route index element={<PortalHome />} />
            <Route path="new" element={<NewRequestPage />} />
            <Route path="new/:typeKey" element={<NewRequestPage />} />
            <Route path="requests" element={<RequestsPage />} />
            <Route path="requests/:id" element={<RequestPage />} />
            <Route path="passes" element={<PassesPage />} />
            <Route path="passes/:id" element={<PassPage />} />
            <Route path="announcements" element={<AnnouncementsPage />} />
            <Route path="company" element={<CompanyPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}
