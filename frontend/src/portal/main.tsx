import "@/shared/styles/tokens.css";
import "@/shared/styles/base.css";
import "./portal.css";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { i18nReady, setupI18n } from "@/shared/i18n";
import { createQueryClient } from "@/shared/query";
import { startBoot, warmUpDateFormat } from "./boot";
import { afterFirstScreen } from "./idle";
import { PortalRouter } from "./router";

// the catalogues, then /me/, the page's chunk and data, /branding/: all at once, before React mounts
setupI18n({ namespaces: ["shared", "portal"], eager: true }); // first: it sets the API's Accept-Language
const queryClient = createQueryClient();
const page = startBoot(queryClient, window.location.pathname);
warmUpDateFormat();

// React mounts once the catalogues and the page's chunk are in (or failed: Suspense shows what is
// missing), so the first render does not suspend on them and re-render when they come; the data
// is still on its way (the shell shows "Loading…" until /me/ answers).
void Promise.all([i18nReady(), page]).finally(() => {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <PortalRouter />
      </QueryClientProvider>
    </StrictMode>,
  );
  afterFirstScreen(queryClient, () => void import("./serviceWorker").then((worker) => worker.registerServiceWorker()));
});
