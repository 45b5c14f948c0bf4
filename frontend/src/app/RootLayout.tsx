import { Suspense } from "react";
import { Outlet } from "react-router";
import { PageLoading } from "@/shared/ui";

/** Top of the tree: a fallback while a page's chunk or its catalogue loads. */
export function RootLayout() {
  return (
    <Suspense fallback={<PageLoading />}>
      <Outlet />
    </Suspense>
  );
}
