import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fullPageNavigate } from "@/shared/navigation";
import { jsonResponse, mockApi, renderRoutes } from "@/shared/test/render";
import { RequireAgent } from "./RequireAgent";
import { useSession } from "@/shared/session/SessionContext";

vi.mock("@/shared/navigation", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/shared/navigation")>()),
  fullPageNavigate: vi.fn(),
}));

function Hello() {
  const { user, account } = useSession();
  return <p>{`${user.full_name} @ ${account.name}`}</p>;
}

const me = (role: string) => ({
  user: { id: 3, email: "d@zelenopark.demo", full_name: "Dana Dispatcher", role, language: "en" },
  account: { slug: "zelenopark", name: "Zelenopark", kind: "mall", status: "active", language: "ru", time_zone: "Europe/Moscow" },
  impersonation: null,
});

function renderGuarded(path: string) {
  return renderRoutes(
    [
      { path: "/sign-in", element: <p>sign-in page</p> },
      { element: <RequireAgent />, children: [{ path: "/queues", element: <Hello /> }] },
    ],
    path,
  );
}

describe("RequireAgent", () => {
  beforeEach(() => vi.mocked(fullPageNavigate).mockReset());

  it("sends anonymous people to sign-in with the page to come back to", async () => {
    mockApi({ "GET /api/v1/me/": jsonResponse(403, { code: "not_authenticated", detail: "Authentication credentials were not provided." }) });
    const { router } = renderGuarded("/queues?status=new");
    expect(await screen.findByText("sign-in page")).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/sign-in");
    expect(new URLSearchParams(router.state.location.search).get("next")).toBe("/app/queues?status=new");
  });

  it("lets an agent in with the session in context", async () => {
    mockApi({ "GET /api/v1/me/": jsonResponse(200, me("dispatcher")) });
    renderGuarded("/queues");
    expect(await screen.findByText("Dana Dispatcher @ Zelenopark")).toBeInTheDocument();
  });

  it("sends a requester to the portal", async () => {
    mockApi({ "GET /api/v1/me/": jsonResponse(200, me("key_user")) });
    renderGuarded("/queues");
    await waitFor(() => expect(fullPageNavigate).toHaveBeenCalledWith("/portal/"));
  });

  it("shows the API's answer when the account is closed", async () => {
    mockApi({ "GET /api/v1/me/": jsonResponse(403, { code: "account_closed", detail: "This account is closed." }) });
    renderGuarded("/queues");
    expect(await screen.findByRole("alert")).toHaveTextContent("This account is closed.");
  });
});
