import { afterEach, describe, expect, it, vi } from "vitest";
import { LiveClient, resetLiveClient } from "@/shared/live";
import { changePassword } from "./api";

afterEach(() => {
  vi.unstubAllGlobals();
  resetLiveClient();
});

function answer(status: number, body?: unknown) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } })),
  );
}

describe("changePassword", () => {
  it("resets the tab's live client once the password is changed (the server closed its socket)", async () => {
    const live = new LiveClient({ WebSocket: class {} as unknown as typeof WebSocket });
    const reset = vi.spyOn(live, "reset").mockImplementation(() => {});
    resetLiveClient(live);
    answer(204);
    await changePassword({ old_password: "old-pass-2026", new_password: "new-pass-2026-x" });
    expect(reset).toHaveBeenCalledTimes(1);
  });

  it("leaves the live client alone when the change is refused", async () => {
    const live = new LiveClient({ WebSocket: class {} as unknown as typeof WebSocket });
    const reset = vi.spyOn(live, "reset").mockImplementation(() => {});
    resetLiveClient(live);
    answer(400, { code: "invalid", detail: "Some fields are not valid.", fields: { old_password: ["Wrong."] } });
    await expect(changePassword({ old_password: "x", new_password: "y" })).rejects.toMatchObject({ status: 400 });
    expect(reset).not.toHaveBeenCalled();
  });
});
