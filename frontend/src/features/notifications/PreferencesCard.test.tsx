import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { jsonResponse, mockApi, renderWithQuery } from "@/shared/test/render";
import { PreferencesCard } from "./PreferencesCard";
import type { Preferences } from "./preferencesApi";

const prefs: Preferences = {
  preferences: [
    { kind: "ticket.assigned", label: "Assigned to me", channel: "in_app", enabled: true, account_enabled: true },
    { kind: "ticket.assigned", label: "Assigned to me", channel: "email", enabled: true, account_enabled: true },
    { kind: "notices.announcement", label: "Announcement", channel: "email", enabled: true, account_enabled: false },
  ],
  quiet_hours: null,
  digest: "daily",
};

describe("PreferencesCard", () => {
  it("shows a channel the account turned off as off and saves my choices, quiet hours and digest", async () => {
    const { calls } = mockApi({
      "GET /api/v1/me/notification-preferences/": jsonResponse(200, prefs),
      "PUT /api/v1/me/notification-preferences/": async (request) => jsonResponse(200, { ...prefs, ...(await request.json()) }),
    });
    renderWithQuery(<PreferencesCard />);
    const email = await screen.findByRole("checkbox", { name: "Assigned to me: E-mail" });
    const announcement = screen.getByRole("checkbox", { name: "Announcement: E-mail (turned off for the whole account)" });
    expect(announcement).toBeDisabled();
    expect(announcement).not.toBeChecked();
    // a kind without an in-app channel has no box there
    expect(screen.queryByRole("checkbox", { name: "Announcement: In the app" })).toBeNull();

    fireEvent.click(email);
    fireEvent.click(screen.getByRole("checkbox", { name: "No e-mail during quiet hours" }));
    fireEvent.change(screen.getByLabelText("Until"), { target: { value: "08:30" } });
    fireEvent.change(screen.getByRole("combobox", { name: "Digest of low-priority mail" }), { target: { value: "hourly" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Your notification settings are saved.");
    const put = calls.find((c) => c.method === "PUT")!;
    const body = await put.json();
    expect(body.quiet_hours).toEqual({ start: "22:00", end: "08:30" });
    expect(body.digest).toBe("hourly");
    expect(body.preferences).toContainEqual({ kind: "ticket.assigned", channel: "email", enabled: false });
    expect(body.preferences).toContainEqual({ kind: "ticket.assigned", channel: "in_app", enabled: true });
  });

  it("shows the API's field message for bad quiet hours", async () => {
    mockApi({
      "GET /api/v1/me/notification-preferences/": jsonResponse(200, { ...prefs, quiet_hours: { start: "07:00", end: "07:00" } }),
      "PUT /api/v1/me/notification-preferences/": jsonResponse(400, {
        code: "invalid",
        detail: "Some fields are not valid.",
        fields: { quiet_hours: ["Quiet hours start and end at different times."] },
      }),
    });
    renderWithQuery(<PreferencesCard />);
    fireEvent.click(await screen.findByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByText("Quiet hours start and end at different times.")).toBeInTheDocument());
  });
});
