import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import ResetPasswordPage from "./ResetPasswordPage";
import SignInPage from "./SignInPage";

function renderReset(query = "?uid=MTI&token=abc-123") {
  return renderRoutes(
    [
      { path: "/reset-password", element: <ResetPasswordPage /> },
      { path: "/sign-in", element: <SignInPage /> },
      { path: "/forgot-password", element: <p>forgot page</p> },
    ],
    `/reset-password${query}`,
  );
}

async function typePasswords(first: string, second = first) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("New password"), first);
  await user.type(screen.getByLabelText("Repeat the new password"), second);
  await user.click(screen.getByRole("button", { name: "Set the password" }));
}

describe("ResetPasswordPage", () => {
  it("shows the API's password messages next to the password field", async () => {
    const { calls } = mockApi({
      "POST /api/v1/auth/password-reset/confirm/": jsonResponse(400, {
        code: "invalid",
        detail: "Some fields are not valid.",
        fields: { password: ["This password is too short.", "This password is too common."] },
      }),
    });
    renderReset();
    await typePasswords("qwerty");
    const field = screen.getByLabelText("New password");
    await waitFor(() => expect(field).toHaveAttribute("aria-invalid", "true"));
    expect(field).toHaveAccessibleDescription(/This password is too short\..*This password is too common\./);
    expect(await calls[0]!.json()).toEqual({ uid: "MTI", token: "abc-123", password: "qwerty" });
  });

  it("checks the two entries match before asking the API", async () => {
    const { fetchMock } = mockApi({});
    renderReset();
    await typePasswords("first-pass-1", "second-pass-2");
    expect(screen.getByLabelText("Repeat the new password")).toHaveAccessibleDescription("The two passwords are not the same.");
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("says clearly when the link has expired and offers a new one", async () => {
    mockApi({
      "POST /api/v1/auth/password-reset/confirm/": jsonResponse(400, { code: "link_expired", detail: "This link has expired. Ask for a new one." }),
    });
    renderReset();
    await typePasswords("a-good-long-password");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("This link has expired");
    expect(alert).toHaveTextContent("Ask for a new one.");
    expect(screen.getByRole("link", { name: "Request a new link" })).toBeInTheDocument();
    expect(screen.queryByLabelText("New password")).not.toBeInTheDocument();
  });

  it("treats an incomplete link as invalid without calling the API", () => {
    const { fetchMock } = mockApi({});
    renderReset("?uid=MTI");
    expect(screen.getByRole("alert")).toHaveTextContent("This link does not work");
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("goes to sign-in with a notice on success", async () => {
    mockApi({ "POST /api/v1/auth/password-reset/confirm/": jsonResponse(204) });
    const { router } = renderReset();
    await typePasswords("a-good-long-password");
    await waitFor(() => expect(router.state.location.pathname).toBe("/sign-in"));
    // the router's state moves before the sign-in page has rendered its notice
    expect(await screen.findByRole("status")).toHaveTextContent("Your password has been changed.");
  });
});
