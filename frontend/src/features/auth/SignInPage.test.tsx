import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fullPageNavigate } from "@/shared/navigation";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import SignInPage from "./SignInPage";

vi.mock("@/shared/navigation", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/shared/navigation")>()),
  fullPageNavigate: vi.fn(),
}));

function renderSignIn(path = "/sign-in") {
  return renderRoutes(
    [
      { path: "/sign-in", element: <SignInPage /> },
      { path: "/", element: <p>workspace home</p> },
      { path: "/profile", element: <p>profile page</p> },
    ],
    path,
  );
}

async function submit(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Email"), email);
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
}

const person = (role: string) => ({ id: 5, email: "d@zelenopark.demo", full_name: "Dana Dispatcher", role, language: "en" });

describe("SignInPage", () => {
  beforeEach(() => {
    vi.mocked(fullPageNavigate).mockReset();
  });

  it("shows the API's detail when the password is wrong", async () => {
    const { calls } = mockApi({
      "POST /api/v1/auth/session/": jsonResponse(401, { code: "invalid_credentials", detail: "The e-mail or password is not correct." }),
    });
    renderSignIn();
    await submit("d@zelenopark.demo", "wrong");
    expect(await screen.findByRole("alert")).toHaveTextContent("The e-mail or password is not correct.");
    expect(await calls[0]!.json()).toEqual({ email: "d@zelenopark.demo", password: "wrong" });
    expect(fullPageNavigate).not.toHaveBeenCalled();
  });

  it("shows the throttling detail", async () => {
    mockApi({ "POST /api/v1/auth/session/": jsonResponse(429, { code: "throttled", detail: "Request was throttled. Expected available in 60 seconds." }) });
    renderSignIn();
    await submit("d@zelenopark.demo", "x");
    expect(await screen.findByRole("alert")).toHaveTextContent("Expected available in 60 seconds");
  });

  it("puts field messages next to their fields", async () => {
    mockApi({
      "POST /api/v1/auth/session/": jsonResponse(400, { code: "invalid", detail: "Some fields are not valid.", fields: { password: ["This field may not be blank."] } }),
    });
    renderSignIn();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Email"), "d@zelenopark.demo");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    const password = screen.getByLabelText("Password");
    await waitFor(() => expect(password).toHaveAttribute("aria-invalid", "true"));
    expect(password).toHaveAccessibleDescription("This field may not be blank.");
  });

  it("takes an agent into the workspace", async () => {
    mockApi({ "POST /api/v1/auth/session/": jsonResponse(200, person("dispatcher")) });
    const { router } = renderSignIn();
    await submit("d@zelenopark.demo", "atrium-demo-2026");
    expect(await screen.findByText("workspace home")).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/");
    expect(fullPageNavigate).not.toHaveBeenCalled();
  });

  it("follows a safe ?next= inside the app", async () => {
    mockApi({ "POST /api/v1/auth/session/": jsonResponse(200, person("engineer")) });
    renderSignIn(`/sign-in?next=${encodeURIComponent("/app/profile")}`);
    await submit("e@zelenopark.demo", "pw");
    expect(await screen.findByText("profile page")).toBeInTheDocument();
  });

  it("ignores a ?next= on another site", async () => {
    mockApi({ "POST /api/v1/auth/session/": jsonResponse(200, person("engineer")) });
    renderSignIn(`/sign-in?next=${encodeURIComponent("//evil.example/app/")}`);
    await submit("e@zelenopark.demo", "pw");
    expect(await screen.findByText("workspace home")).toBeInTheDocument();
  });

  it("sends a requester to the portal", async () => {
    mockApi({ "POST /api/v1/auth/session/": jsonResponse(200, person("employee")) });
    renderSignIn(`/sign-in?next=${encodeURIComponent("/app/profile")}`);
    await submit("emp@zelenopark.demo", "pw");
    await waitFor(() => expect(fullPageNavigate).toHaveBeenCalledWith("/portal/"));
  });
});
