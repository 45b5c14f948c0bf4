import "@/shared/styles/tokens.css";
import "@/shared/styles/base.css";
import "./app.css";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { setupI18n } from "@/shared/i18n";
import { createQueryClient } from "@/shared/query";
import { navNamespaces } from "./nav";
import { createAppRouter } from "./router";

setupI18n({ namespaces: ["shared", "app", ...navNamespaces()] });
const queryClient = createQueryClient();
const router = createAppRouter();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
