/**
 * The portal's pages (under /portal/). Keep this entry lean (≤ 120 KB gzipped initial JS): it
 * must never import the agent workspace (src/app, table code, Radix menus). Declarative
 * react-router (<BrowserRouter>) is lighter than the data router the app uses. Every page is
 * its own lazy chunk (pages.ts; boot.ts starts the current page's at once).
 */
import { Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { PageLoading } from "@/shared/ui/Spinner";
import { PortalLayout } from "./PortalLayout";
import { pageComponent, pages } from "./pages";

// the signed-out pages' layout is theirs alone: not in the entry
const PublicLayout = pageComponent(pages.publicLayout);
const PortalHome = pageComponent(pages.home);
const NewRequestPage = pageComponent(pages.newRequest);
const RequestsPage = pageComponent(pages.requests);
const RequestPage = pageComponent(pages.request);
const PassesPage = pageComponent(pages.passes);
const PassPage = pageComponent(pages.pass);
const AnnouncementsPage = pageComponent(pages.announcements);
const CompanyPage = pageComponent(pages.company);
const NotFoundPage = pageComponent(pages.notFound);
const SignInPage = pageComponent(pages.signIn);
const ForgotPasswordPage = pageComponent(pages.forgotPassword);
const ResetPasswordPage = pageComponent(pages.resetPassword);
const AcceptInvitationPage = pageComponent(pages.acceptInvitation);

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
