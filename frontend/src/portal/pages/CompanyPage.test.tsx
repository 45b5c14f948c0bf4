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

  it("chooses what an employee may file: a subset by ids, all ticked sends null, the API's refusal shown", async () => {
    const types = [
      { id: 1, code: "leak", name: "Leak", allowed: true },
      { id: 2, code: "dirt", name: "Cleaning", allowed: true },
      { id: 3, code: "goods_in", name: "Goods move-in", allowed: true },
    ];
    const sent: unknown[] = [];
    let current = { restricted: false, types };
    page([member({})], {
      "GET /api/v1/team/7/filing/": () => jsonResponse(200, current),
      "PUT /api/v1/team/7/filing/": async (request) => {
        const body = await request.json();
        sent.push(body);
        if (sent.length === 1) return jsonResponse(400, { code: "invalid", detail: "Some fields are not valid.", fields: { types: ["Your company may not file these types: [3]."] } });
        const allowed = body.types === null ? types.map((t) => t.id) : body.types;
        current = { restricted: body.types !== null, types: types.map((t) => ({ ...t, allowed: allowed.includes(t.id) })) };
        return jsonResponse(200, current);
      },
    });
    await userEvent.click(await screen.findByRole("button", { name: "What New Barista may file" }));
    const form = await screen.findByRole("form", { name: "What New Barista may file" });
    const leak = await within(form).findByRole("checkbox", { name: "Leak" });
    expect(leak).toBeChecked();
    await userEvent.click(leak);
    await userEvent.click(within(form).getByRole("button", { name: "Save" }));
    expect(await within(form).findByText("Your company may not file these types: [3].")).toBeInTheDocument();
    expect(sent).toEqual([{ types: [2, 3] }]);
    await userEvent.click(within(form).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("form", { name: "What New Barista may file" })).not.toBeInTheDocument());
    expect(sent[1]).toEqual({ types: [2, 3] });
    // opened again: the saved choice; ticking everything back means "all the company may"
    await userEvent.click(screen.getByRole("button", { name: "What New Barista may file" }));
    const again = await screen.findByRole("form", { name: "What New Barista may file" });
    const leakAgain = within(again).getByRole("checkbox", { name: "Leak" });
    expect(leakAgain).not.toBeChecked();
    await userEvent.click(leakAgain);
    await userEvent.click(within(again).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(sent).toHaveLength(3));
    expect(sent[2]).toEqual({ types: null });
  });
});
