import { waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, mockApi, testQueryClient } from "@/shared/test/render";
import { keys } from "./api";
import { startBoot } from "./boot";
import { pageFor, pages } from "./pages";

afterEach(() => vi.unstubAllGlobals());

const me = (role: string) => ({ user: { id: 5, role, full_name: "Shop", email: "s@x" }, account: { name: "Mall" } });

describe("the portal's boot", () => {
  it("maps a path to its page's chunk", () => {
    expect(pageFor("/requests")).toBe(pages.requests);
    expect(pageFor("/requests/12")).toBe(pages.request);
    expect(pageFor("/new/leak")).toBe(pages.newRequest);
    expect(pageFor("/sign-in")).toBe(pages.signIn);
    expect(pageFor("/nowhere/else")).toBeUndefined();
  });

  it("on my requests, fetches /me/ and /branding/ at once and the list once /me/ says whose", async () => {
    const { calls } = mockApi({
      "GET /api/v1/me/": jsonResponse(200, me("key_user")),
      "GET /api/v1/branding/": jsonResponse(200, { name: "Mall" }),
      "GET /api/v1/tickets/": jsonResponse(200, { next: null, previous: null, results: [] }),
    });
    const client = testQueryClient();
    startBoot(client, "/portal/requests");
    await waitFor(() => expect(client.getQueryData(keys.requests("company"))).toBeDefined());
    const paths = calls.map((c) => new URL(c.url).pathname);
    expect(paths.slice(0, 2).sort()).toEqual(["/api/v1/branding/", "/api/v1/me/"]);
    expect(paths).toContain("/api/v1/tickets/");
    expect(client.getQueryData(keys.requests("mine"))).toBeUndefined();
  });

  it("signed out (or on a sign-in page) it fetches no list and no /me/ for the public pages", async () => {
    const { calls } = mockApi({
      "GET /api/v1/me/": jsonResponse(403, { code: "not_authenticated", detail: "x" }),
      "GET /api/v1/branding/": jsonResponse(200, { name: "Mall" }),
    });
    startBoot(testQueryClient(), "/portal/sign-in");
    await waitFor(() => expect(calls.length).toBe(1));
    expect(new URL(calls[0]!.url).pathname).toBe("/api/v1/branding/");
    const client = testQueryClient();
    startBoot(client, "/portal/requests");
    await waitFor(() => expect(calls.some((c) => c.url.endsWith("/api/v1/me/"))).toBe(true));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.some((c) => c.url.includes("/api/v1/tickets/"))).toBe(false);
  });
});
