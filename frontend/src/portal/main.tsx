import "@/shared/styles/tokens.css";
import "@/shared/styles/base.css";
import "./portal.css";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { setupI18n } from "@/shared/i18n";
import { createQueryClient } from "@/shared/query";
import { startBoot } from "./boot";
import { PortalRouter } from "./router";
import { registerServiceWorker } from "./serviceWorker";

setupI18n({ namespaces: ["shared", "portal"] });
const queryClient = createQueryClient();
startBoot(queryClient, window.location.pathname); // /me/, /branding/, the page's chunk and data at once

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <PortalRouter />
    </QueryClientProvider>
  </StrictMode>,
);
registerServiceWorker();
