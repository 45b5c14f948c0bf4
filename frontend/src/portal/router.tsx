/**
 * The portal's pages (under /portal/). Keep this entry lean (≤ 120 KB gzipped initial JS): it
 * must never import the agent workspace (src/app, table code, Radix menus). Declarative
 * react-router (<BrowserRouter>) is lighter than the data router the app uses. Every page is
 * its own lazy chunk (pages.ts; boot.ts starts the current page's at once).
 */
import { lazy, Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { PageLoading } from "@/shared/ui";
import { PortalLayout } from "./PortalLayout";
import { pages } from "./pages";
import { PublicLayout } from "./PublicLayout";

const PortalHome = lazy(pages.home);
const NewRequestPage = lazy(pages.newRequest);
const RequestsPage = lazy(pages.requests);
const RequestPage = lazy(pages.request);
const PassesPage = lazy(pages.passes);
const PassPage = lazy(pages.pass);
const AnnouncementsPage = lazy(pages.announcements);
const CompanyPage = lazy(pages.company);
const NotFoundPage = lazy(pages.notFound);
const SignInPage = lazy(pages.signIn);
const ForgotPasswordPage = lazy(pages.forgotPassword);
const ResetPasswordPage = lazy(pages.resetPassword);
const AcceptInvitationPage = lazy(pages.acceptInvitation);

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
