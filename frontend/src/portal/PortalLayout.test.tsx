import { screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import { usePageTitle } from "@/shared/ui";
import { PortalLayout } from "./PortalLayout";

afterEach(() => vi.unstubAllGlobals());

const me = {
  user: { id: 5, role: "employee", full_name: "Olga Shop", email: "olga@shop.example", language: "en" },
  account: { name: "Zelenopark", language: "en", time_zone: "Europe/Moscow" },
};

function Page({ title }: { title: string }) {
  usePageTitle(title);
  return <h1>{title}</h1>;
}

function render(branding: Record<string, unknown> | null) {
  mockApi({
    "GET /api/v1/me/": jsonResponse(200, me),
    "GET /api/v1/branding/": branding ? jsonResponse(200, branding) : jsonResponse(404, { code: "not_found", detail: "x" }),
    "GET /api/v1/notifications/": jsonResponse(200, { unread_count: 0, results: [], next: null, previous: null }),
  });
  return renderRoutes([{ element: <PortalLayout />, children: [{ path: "/requests", element: <Page title="My requests" /> }] }], "/requests");
}

describe("the signed-in portal", () => {
  it("ends its pages' titles in the account's name (its portal name when it has one), not Atrium", async () => {
    render({ name: "Zelenopark", portal_name: "Zelenopark tenants", primary_color: "", accent_color: "" });
    expect(await screen.findByRole("heading", { level: 1, name: "My requests" })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe("My requests · Zelenopark tenants"));
  });

  it("without branding, in the account's name from /me/", async () => {
    render(null);
    expect(await screen.findByRole("heading", { level: 1, name: "My requests" })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe("My requests · Zelenopark"));
  });

  it("mounts the bell only after the first screen (its queries answered), when idle", async () => {
    render(null);
    expect(await screen.findByRole("heading", { level: 1, name: "My requests" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Notifications/ })).not.toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Notifications" })).toBeInTheDocument();
  });
});
