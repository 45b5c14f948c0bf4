import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import SignInPage from "./SignInPage";
import WelcomePage from "./WelcomePage";

function renderWelcome(query = "?uid=MQ&token=cz1-abc") {
  return renderRoutes(
    [
      { path: "/welcome", element: <WelcomePage /> },
      { path: "/sign-in", element: <SignInPage /> },
      { path: "/", element: <p>home page</p> },
    ],
    `/welcome${query}`,
  );
}

describe("WelcomePage", () => {
  it("signs the new admin in with the link once and opens their home", async () => {
    const { calls } = mockApi({
      "POST /api/v1/auth/welcome/": jsonResponse(200, {
        id: 1,
        email: "maria@mega.example",
        full_name: "Maria Ivanova",
        role: "account_admin",
        language: "en",
      }),
    });
    const { router } = renderWelcome();
    await waitFor(() => expect(router.state.location.pathname).toBe("/"));
    expect(await screen.findByText("home page")).toBeInTheDocument();
    expect(calls).toHaveLength(1);
    expect(await calls[0]!.json()).toEqual({ uid: "MQ", token: "cz1-abc" });
  });

  it("says a used or foreign link does not work and offers the sign-in page", async () => {
    mockApi({
      "POST /api/v1/auth/welcome/": jsonResponse(400, {
        code: "link_invalid",
        detail: "This link is not valid: it was already used, or it belongs to another account.",
      }),
    });
    renderWelcome();
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("This link does not work");
    expect(alert).toHaveTextContent("Sign in with the e-mail and password you chose at sign-up.");
    expect(screen.getByRole("link", { name: "Go to sign in" })).toHaveAttribute("href", "/sign-in");
  });

  it("treats an incomplete link as invalid without calling the API", () => {
    const { fetchMock } = mockApi({});
    renderWelcome("?token=cz1-abc");
    expect(screen.getByRole("alert")).toHaveTextContent("This link does not work");
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
