import "@/shared/styles/tokens.css";
import "@/shared/styles/base.css";
import "./app.css";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { matchRoutes, RouterProvider } from "react-router";
import { setupI18n } from "@/shared/i18n";
import { APP_BASE } from "@/shared/navigation";
import { createQueryClient } from "@/shared/query";
import { fetchMe, meQueryKey } from "@/shared/session/api";
import { navNamespaces } from "./nav";
import { createAppRouter } from "./router";
import { appRoutes } from "./routes";

setupI18n({ namespaces: ["shared", "app", ...navNamespaces()] });
const queryClient = createQueryClient();

// The first screen must not wait in a chain (catalogues, then /me/, then the page's code, then its
// data): ask for who is signed in and for the opened page's chunk at once, beside the catalogues.
const opened = matchRoutes(
  appRoutes.map((route) => ({ path: route.path, route })),
  window.location.pathname,
  APP_BASE,
)?.[0]?.route.route;
if (opened?.area !== "public") void queryClient.prefetchQuery({ queryKey: meQueryKey, queryFn: fetchMe });
void opened?.load();

const router = createAppRouter();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
