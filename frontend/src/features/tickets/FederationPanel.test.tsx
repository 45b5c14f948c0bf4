import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { jsonResponse, mockApi, renderWithQuery } from "@/shared/test/render";
import type { FederationLink } from "./api";
import { FederationPanel } from "./FederationPanel";

const P1 = "11111111-1111-4111-8111-111111111111";
const P2 = "22222222-2222-4222-8222-222222222222";

const link: FederationLink = {
  id: "33333333-3333-4333-8333-333333333333",
  partnership: P2,
  partner: "Escalator Service",
  role: "sender",
  state: "active",
  remote_ref: "",
  remote_status: "",
  remote_assignee: "",
  remote_checklist: [],
  note: "Today please",
  reason: "",
  created_at: "2026-12-01T10:00:00Z",
  messages: [],
};

const targets = [
  { partnership: P1, partner: "Cleaning Co" },
  { partnership: P2, partner: "Escalator Service" },
];

describe("FederationPanel", () => {
  it("offers no forward control when the API names no partner (or refuses the question)", async () => {
    const { calls } = mockApi({
      "GET /api/v1/tickets/7/federation/": () => jsonResponse(200, []),
      "GET /api/v1/tickets/7/forward/": () => jsonResponse(200, []),
    });
    const { container } = renderWithQuery(<FederationPanel ticketId={7} />);
    await waitFor(() => expect(calls.some((c) => c.url.endsWith("/tickets/7/forward/"))).toBe(true));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(container).toBeEmptyDOMElement();

    mockApi({
      "GET /api/v1/tickets/8/federation/": () => jsonResponse(200, [link]),
      "GET /api/v1/tickets/8/forward/": () => jsonResponse(403, { code: "permission_denied", detail: "No." }),
    });
    renderWithQuery(<FederationPanel ticketId={8} />);
    expect(await screen.findByText("Escalator Service")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Forward" })).not.toBeInTheDocument();
    expect(screen.queryByText("No.")).not.toBeInTheDocument();
  });

  it("forwards to the chosen partner with a note and shows the link state after", async () => {
    let forwarded = false;
    const { calls } = mockApi({
      "GET /api/v1/tickets/7/federation/": () => jsonResponse(200, forwarded ? [link] : []),
      "GET /api/v1/tickets/7/forward/": () => jsonResponse(200, forwarded ? [targets[0]] : targets),
      "POST /api/v1/tickets/7/forward/": () => {
        forwarded = true;
        return jsonResponse(201, [link]);
      },
    });
    renderWithQuery(<FederationPanel ticketId={7} />);
    const user = userEvent.setup();
    const partner = await screen.findByLabelText("Partner");
    expect([...(partner as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(["Cleaning Co", "Escalator Service"]);
    await user.selectOptions(partner, "Escalator Service");
    await user.type(screen.getByLabelText("Note for the partner (optional)"), "Today please");
    await user.click(screen.getByRole("button", { name: "Forward" }));
    const post = calls.find((c) => c.method === "POST")!;
    expect(await post.json()).toEqual({ partnership: P2, note: "Today please" });
    expect(await screen.findByText("Active")).toBeInTheDocument();
    expect(screen.getByText("(we forwarded it)")).toBeInTheDocument();
    // the API now names only the other partner: the control stays, offering just that one
    await waitFor(() =>
      expect([...(screen.getByLabelText("Partner") as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(["Cleaning Co"]),
    );
    expect(screen.getByLabelText("Note for the partner (optional)")).toHaveValue("");
  });

  it("shows the API's refusal: field errors by their field, the rest on top", async () => {
    let answer = jsonResponse(400, { code: "invalid", detail: "Some fields are not valid.", fields: { note: ["Use at most 5000 characters."] } });
    mockApi({
      "GET /api/v1/tickets/7/federation/": () => jsonResponse(200, []),
      "GET /api/v1/tickets/7/forward/": () => jsonResponse(200, [targets[0]]),
      "POST /api/v1/tickets/7/forward/": () => answer,
    });
    renderWithQuery(<FederationPanel ticketId={7} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Forward" }));
    expect(await screen.findByText("Use at most 5000 characters.")).toBeInTheDocument();
    expect(screen.getByLabelText("Note for the partner (optional)")).toHaveAttribute("aria-invalid", "true");
    answer = jsonResponse(409, { code: "not_forwardable", detail: "Only open tickets are forwarded." });
    await user.click(screen.getByRole("button", { name: "Forward" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Only open tickets are forwarded.");
    expect(screen.getByLabelText("Note for the partner (optional)")).not.toHaveAttribute("aria-invalid");
  });
});
