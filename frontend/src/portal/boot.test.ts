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

  it("on my requests, fetches /me/, /branding/ and the list at once, the list under the key /me/ names", async () => {
    let answerMe: (response: Response) => void = () => undefined;
    const { calls } = mockApi({
      // /me/ answers only once the list has been asked for: the list does not wait on it
      "GET /api/v1/me/": () => new Promise<Response>((resolve) => (answerMe = resolve)),
      "GET /api/v1/branding/": jsonResponse(200, { name: "Mall" }),
      "GET /api/v1/tickets/": jsonResponse(200, { next: null, previous: null, results: [{ id: 1 }] }),
    });
    const client = testQueryClient();
    startBoot(client, "/portal/requests", "");
    await waitFor(() => expect(calls.length).toBe(3));
    expect(calls.map((c) => new URL(c.url).pathname).sort()).toEqual(["/api/v1/branding/", "/api/v1/me/", "/api/v1/tickets/"]);
    expect(client.getQueryData(keys.requests("company"))).toBeUndefined();
    answerMe(jsonResponse(200, me("key_user")));
    await waitFor(() => expect(client.getQueryData(keys.requests("company"))).toEqual({ next: null, previous: null, results: [{ id: 1 }] }));
    expect(client.getQueryData(keys.requests("mine"))).toBeUndefined();
    expect(calls.filter((c) => c.url.includes("/api/v1/tickets/"))).toHaveLength(1);
  });

  it("an employee's list (the same request) goes under 'mine'", async () => {
    mockApi({
      "GET /api/v1/me/": jsonResponse(200, me("employee")),
      "GET /api/v1/branding/": jsonResponse(200, { name: "Mall" }),
      "GET /api/v1/tickets/": jsonResponse(200, { next: null, previous: null, results: [] }),
    });
    const client = testQueryClient();
    startBoot(client, "/portal/requests", "");
    await waitFor(() => expect(client.getQueryData(keys.requests("mine"))).toBeDefined());
    expect(client.getQueryData(keys.requests("company"))).toBeUndefined();
  });

  it("on a sign-in page it fetches only /branding/; signed out on my requests nothing is cached for the list", async () => {
    const { calls } = mockApi({
      "GET /api/v1/me/": jsonResponse(403, { code: "not_authenticated", detail: "x" }),
      "GET /api/v1/branding/": jsonResponse(200, { name: "Mall" }),
      "GET /api/v1/tickets/": jsonResponse(403, { code: "not_authenticated", detail: "x" }),
    });
    startBoot(testQueryClient(), "/portal/sign-in", "");
    await waitFor(() => expect(calls.length).toBe(1));
    expect(new URL(calls[0]!.url).pathname).toBe("/api/v1/branding/");
    const client = testQueryClient();
    startBoot(client, "/portal/requests", "");
    await waitFor(() => expect(client.getQueryData(["me"])).toBeNull());
    await new Promise((r) => setTimeout(r, 20));
    expect(client.getQueryData(keys.requests("company"))).toBeUndefined();
    expect(client.getQueryData(keys.requests("mine"))).toBeUndefined();
  });

  it("with ?scope the page's own query decides: no list at boot", async () => {
    const { calls } = mockApi({
      "GET /api/v1/me/": jsonResponse(200, me("key_user")),
      "GET /api/v1/branding/": jsonResponse(200, { name: "Mall" }),
    });
    const client = testQueryClient();
    startBoot(client, "/portal/requests", "?scope=mine");
    await waitFor(() => expect(client.getQueryData(["me"])).toBeDefined());
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.some((c) => c.url.includes("/api/v1/tickets/"))).toBe(false);
  });
});
