import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { jsonResponse, mockApi, renderWithQuery } from "@/shared/test/render";
import RulesPage from "./RulesPage";
import type { RuleRow } from "./rulesApi";

const rules: RuleRow[] = [
  { kind: "ticket.new_in_group", label: "New ticket in my group", channel: "in_app", enabled: true, digest: false },
  { kind: "ticket.new_in_group", label: "New ticket in my group", channel: "email", enabled: true, digest: true },
  { kind: "notices.announcement", label: "Announcement", channel: "email", enabled: true, digest: false },
];

describe("RulesPage", () => {
  it("turns a channel off for the account and takes a kind out of the digest", async () => {
    const { calls } = mockApi({
      "GET /api/v1/notification-rules/": jsonResponse(200, { rules }),
      "PUT /api/v1/notification-rules/": async (request) => jsonResponse(200, await request.json()),
    });
    renderWithQuery(<RulesPage />);
    expect(await screen.findByRole("heading", { name: "Notification rules", level: 1 })).toBeInTheDocument();
    const digest = screen.getByRole("checkbox", { name: "New ticket in my group: E-mail in the digest" });
    expect(digest).toBeChecked();
    fireEvent.click(digest);
    fireEvent.click(screen.getByRole("checkbox", { name: "Announcement: E-mail" }));
    // a kind whose e-mail is off has nothing to digest
    expect(screen.getByRole("checkbox", { name: "Announcement: E-mail in the digest" })).toBeDisabled();
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("The notification rules are saved.");
    const body = await calls.find((c) => c.method === "PUT")!.json();
    expect(body.rules).toContainEqual({ kind: "ticket.new_in_group", channel: "email", enabled: true, digest: false });
    expect(body.rules).toContainEqual({ kind: "notices.announcement", channel: "email", enabled: false, digest: false });
  });
});
