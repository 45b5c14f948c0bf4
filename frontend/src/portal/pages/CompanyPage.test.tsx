import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, mockApi, renderWithQuery } from "@/shared/test/render";
import CompanyPage from "./CompanyPage";

afterEach(() => vi.unstubAllGlobals());

const member = (over: Record<string, unknown>) => ({
  id: 7,
  email: "barista@coffee.example",
  full_name: "New Barista",
  role: "employee",
  phone: "",
  language: "en",
  access_expires_at: null,
  blocked: false,
  blocked_at: null,
  invited_at: "2026-12-01T10:00:00Z",
  invitation_accepted: true,
  ...over,
});

function page(team: object[], handlers: Parameters<typeof mockApi>[0] = {}) {
  const api = mockApi({
    "GET /api/v1/companies/": jsonResponse(200, { results: [], next: null, previous: null }),
    "GET /api/v1/team/": jsonResponse(200, { results: team, next: null, previous: null }),
    ...handlers,
  });
  renderWithQuery(<CompanyPage />);
  return api;
}

describe("the company page's employees", () => {
  it("lets back a removed employee, and shows why when the API refuses", async () => {
    const api = page([member({ blocked: true, blocked_at: "2026-12-01T11:00:00Z" })], {
      "POST /api/v1/team/7/unblock/": jsonResponse(400, {
        code: "invalid",
        detail: "Some fields are not valid.",
        fields: { person: ["The management company blocked this person: ask them to unblock."] },
      }),
    });
    await userEvent.click(await screen.findByRole("button", { name: "Let New Barista back in" }));
    expect(await screen.findByText(/The management company blocked this person/)).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === "POST").map((c) => new URL(c.url).pathname)).toEqual(["/api/v1/team/7/unblock/"]);
    // a blocked person has no access form or block button
    expect(screen.queryByRole("button", { name: "Change the access of New Barista" })).not.toBeInTheDocument();
  });

  it("sends the new access end, or null for no end, and shows the API's field message", async () => {
    const sent: unknown[] = [];
    page([member({ access_expires_at: "2026-12-20T09:00:00Z" })], {
      "POST /api/v1/team/7/access-expiry/": async (request) => {
        const body = await request.json();
        sent.push(body);
        return body.until === null
          ? jsonResponse(400, { code: "invalid", detail: "Some fields are not valid.", fields: { until: ["Your own access ends soon."] } })
          : jsonResponse(200, member({ access_expires_at: body.until }));
      },
    });
    await userEvent.click(await screen.findByRole("button", { name: "Change the access of New Barista" }));
    const form = screen.getByRole("form", { name: "Change the access of New Barista" });
    const input = within(form).getByLabelText(/Access until/);
    expect((input as HTMLInputElement).value).not.toBe("");
    await userEvent.clear(input);
    await userEvent.click(within(form).getByRole("button", { name: "Save" }));
    expect(await within(form).findByText("Your own access ends soon.")).toBeInTheDocument();
    expect(sent).toEqual([{ until: null }]);
    await userEvent.type(input, "2026-12-25T18:00");
    await userEvent.click(within(form).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(typeof (sent[1] as { until: string }).until).toBe("string");
    await waitFor(() => expect(screen.queryByRole("form", { name: "Change the access of New Barista" })).not.toBeInTheDocument());
  });
});
