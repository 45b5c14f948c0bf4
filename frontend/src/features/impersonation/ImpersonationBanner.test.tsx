import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fullPageNavigate } from "@/shared/navigation";
import type { Me } from "@/shared/session/api";
import { SessionProvider } from "@/shared/session/SessionContext";
import { jsonResponse, mockApi, renderWithQuery } from "@/shared/test/render";
import { ImpersonationBanner } from "./ImpersonationBanner";

vi.mock("@/shared/navigation", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/shared/navigation")>()),
  fullPageNavigate: vi.fn(),
}));

const me = (impersonation: Me["impersonation"]) =>
  ({
    user: { id: 3, email: "d@zelenopark.demo", full_name: "Dana Dispatcher", role: "dispatcher", language: "en" },
    account: { slug: "zelenopark", name: "Zelenopark", kind: "mall", status: "active", language: "en", time_zone: "Europe/Moscow" },
    impersonation,
  }) as unknown as Me;

describe("ImpersonationBanner", () => {
  beforeEach(() => vi.mocked(fullPageNavigate).mockReset());

  it("is absent without an operator session", () => {
    renderWithQuery(
      <SessionProvider me={me(null)}>
        <ImpersonationBanner />
      </SessionProvider>,
    );
    expect(screen.queryByRole("region", { name: "Operator session" })).toBeNull();
  });

  it("names the operator, shows the minutes left and ends the session", async () => {
    const { calls } = mockApi({ "DELETE /api/v1/auth/session/": jsonResponse(204) });
    const expires = new Date(Date.now() + 14 * 60_000 + 5_000).toISOString();
    renderWithQuery(
      <SessionProvider me={me({ operator: "ops@atrium.example", expires_at: expires })}>
        <ImpersonationBanner />
      </SessionProvider>,
    );
    const banner = screen.getByRole("region", { name: "Operator session" });
    expect(banner).toHaveTextContent("Platform operator ops@atrium.example is using this desk as Dana Dispatcher.");
    expect(banner).toHaveTextContent("15 minutes left");
    fireEvent.click(screen.getByRole("button", { name: "End session" }));
    await waitFor(() => expect(fullPageNavigate).toHaveBeenCalledWith("/app/sign-in"));
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toContain("DELETE /api/v1/auth/session/");
  });
});
