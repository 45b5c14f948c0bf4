import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { jsonResponse, mockApi, renderRoutes, renderWithQuery } from "@/shared/test/render";
import { AutoConfirmCard } from "./AutoConfirmCard";
import TypeEditPage from "./TypeEditPage";

const leak = {
  id: 4,
  code: "leak",
  name: "Leak",
  prefix: "LEAK",
  description: "",
  workflow: 1,
  default_priority: 2,
  filing_roles: ["key_user"],
  auto_confirm_days: null,
  is_active: true,
  order: 1,
  form_fields: [],
};

const invalid = (message: string) =>
  jsonResponse(400, { code: "invalid", detail: "Some fields are not valid.", fields: { auto_confirm_days: [message] } });

function renderType() {
  return renderRoutes([{ path: "/admin/types/:id", element: <TypeEditPage /> }], "/admin/types/4");
}

describe("auto-confirm days", () => {
  it("a type's own days go to the API; empty sends null, the account's default named in the hint", async () => {
    let answer: () => Response = () => jsonResponse(200, { ...leak, auto_confirm_days: 3 });
    const { calls } = mockApi({
      "GET /api/v1/ticket-types/": () => jsonResponse(200, [leak]),
      "GET /api/v1/workflows/": () => jsonResponse(200, [{ id: 1, code: "incident", name: "Incident" }]),
      "GET /api/v1/desk-settings/": () => jsonResponse(200, { auto_confirm_days: 5 }),
      "PUT /api/v1/ticket-types/4/": () => answer(),
    });
    renderType();
    const user = userEvent.setup();
    const days = await screen.findByLabelText("Auto-confirm after (days)");
    expect(days).toHaveValue(null);
    expect(await screen.findByText(/Empty: the account's default \(now 5\)\./)).toBeInTheDocument();
    await user.type(days, "3");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "PUT")).toHaveLength(1));
    expect((await calls.find((c) => c.method === "PUT")!.json()).auto_confirm_days).toBe(3);

    await user.clear(days);
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "PUT")).toHaveLength(2));
    expect((await calls.filter((c) => c.method === "PUT")[1]!.json()).auto_confirm_days).toBeNull();

    answer = () => invalid("Use a number of days from 0 (never) to 365, or leave it empty.");
    await user.type(days, "400");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Use a number of days from 0 (never) to 365, or leave it empty.")).toBeInTheDocument();
    expect(days).toHaveAttribute("aria-invalid", "true");
    expect((await calls.filter((c) => c.method === "PUT")[2]!.json()).auto_confirm_days).toBe(400);
  });

  it("the account's default is read, saved through PATCH /desk-settings/ and the API's refusal shown at the field", async () => {
    let stored = 5;
    let refuse = false;
    const { calls } = mockApi({
      "GET /api/v1/desk-settings/": () => jsonResponse(200, { auto_confirm_days: stored }),
      "PATCH /api/v1/desk-settings/": async (request) => {
        if (refuse) return invalid("Use a number of days from 0 (never) to 365.");
        stored = ((await request.json()) as { auto_confirm_days: number }).auto_confirm_days;
        return jsonResponse(200, { auto_confirm_days: stored });
      },
    });
    renderWithQuery(<AutoConfirmCard />);
    const user = userEvent.setup();
    const days = await screen.findByLabelText("Default days");
    expect(days).toHaveValue(5);
    await user.clear(days);
    await user.type(days, "10");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Saved.")).toBeInTheDocument();
    expect(stored).toBe(10);
    expect(days).toHaveValue(10);

    refuse = true;
    await user.clear(days);
    await user.type(days, "999");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Use a number of days from 0 (never) to 365.")).toBeInTheDocument();
    expect(days).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByText("Saved.")).not.toBeInTheDocument();
    expect(await calls.filter((c) => c.method === "PATCH")[1]!.json()).toEqual({ auto_confirm_days: 999 });
  });
});
