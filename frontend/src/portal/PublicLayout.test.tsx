import { screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import AcceptInvitationPage from "@/features/auth/AcceptInvitationPage";
import SignInPage from "@/features/auth/SignInPage";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import { PublicLayout } from "./PublicLayout";

afterEach(() => vi.unstubAllGlobals());

const branding = (over: Record<string, unknown> = {}) => ({
  name: "Zelenopark",
  portal_name: "Zelenopark tenants",
  welcome_text: "",
  primary_color: "#0b6e4f",
  accent_color: "#f2a900",
  logo_url: null,
  icon_url: null,
  language: "en",
  languages: ["en", "ru"],
  ...over,
});

function render(path: string, answer: Response) {
  mockApi({ "GET /api/v1/branding/": answer });
  return renderRoutes(
    [
      {
        element: <PublicLayout />,
        children: [
          { path: "/accept-invitation", element: <AcceptInvitationPage /> },
          { path: "/sign-in", element: <SignInPage /> },
        ],
      },
    ],
    path,
  );
}

describe("the portal's signed-out pages", () => {
  it("welcome the invited person to the account's portal, not to Atrium, and title the page with it", async () => {
    render("/accept-invitation?uid=a&token=b", jsonResponse(200, branding()));
    expect(await screen.findByRole("heading", { level: 1, name: "Welcome to Zelenopark tenants" })).toBeInTheDocument();
    expect(screen.queryByText("Welcome to Atrium")).not.toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe("Welcome to Zelenopark tenants · Zelenopark tenants"));
  });

  it("sign-in carries the account's name in the title when it has no portal name", async () => {
    render("/sign-in", jsonResponse(200, branding({ portal_name: "" })));
    await waitFor(() => expect(document.title).toBe("Sign in · Zelenopark"));
  });

  it("falls back to Atrium when the branding cannot be read", async () => {
    render("/accept-invitation?uid=a&token=b", jsonResponse(500, { code: "error", detail: "x" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Welcome to Atrium" })).toBeInTheDocument();
  });
});
