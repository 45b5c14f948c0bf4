import { lazy } from "react";
import { createBrowserRouter, Navigate, type RouteObject } from "react-router";
import { APP_BASE } from "@/shared/navigation";
import { AppShell } from "./shell/AppShell";
import { NotFoundPage } from "./NotFoundPage";
import { RequireAgent } from "./RequireAgent";
import { RootLayout } from "./RootLayout";
import { type AppRoute, appRoutes } from "./routes";

function toRoute(route: AppRoute): RouteObject {
  const Page = lazy(route.load);
  return { path: route.path, element: <Page /> };
}

export function buildRoutes(routes: AppRoute[] = appRoutes): RouteObject[] {
  return [
    {
      element: <RootLayout />,
      children: [
        ...routes.filter((r) => r.area === "public").map(toRoute),
        {
          element: <RequireAgent />,
          children: [
            {
              element: <AppShell />,
              children: [
                { index: true, element: <Navigate to="/queues" replace /> },
                ...routes.filter((r) => r.area === "shell").map(toRoute),
                { path: "*", element: <NotFoundPage /> },
              ],
            },
          ],
        },
      ],
    },
  ];
}

export function createAppRouter() {
  return createBrowserRouter(buildRoutes(), { basename: APP_BASE });
}
