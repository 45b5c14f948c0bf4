import { describe, expect, it, vi } from "vitest";
import { ApiError, api, createApiClient, readCookie, setApiLanguage, unwrap } from "./client";
import { apiErrorFromResponse, NETWORK_ERROR } from "./errors";

function respond(status: number, body?: unknown, headers: Record<string, string> = {}) {
  const text = body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body);
  return new Response(text, { status, headers: { "Content-Type": "application/json", ...headers } });
}

function clientAnswering(response: Response | (() => Promise<Response>)) {
  const seen: Request[] = [];
  const client = createApiClient({
    fetch: async (request) => {
      seen.push(request);
      return typeof response === "function" ? response() : response;
    },
  });
  return { client, seen };
}

describe("ApiError mapping", () => {
  it("maps the backend's error shape with fields", async () => {
    const { client } = clientAnswering(
      respond(400, { code: "invalid", detail: "Some fields are not valid.", fields: { password: ["Too short."], "statuses.2.category": ["Bad."] } }),
    );
    const error = await unwrap(client.POST("/api/v1/auth/password/", { body: { old_password: "a", new_password: "b" } })).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: "invalid", detail: "Some fields are not valid." });
    expect(error.fields).toEqual({ password: ["Too short."], "statuses.2.category": ["Bad."] });
    expect(error.fieldErrors("password")).toEqual(["Too short."]);
    expect(error.fieldErrors("email")).toEqual([]);
  });

  it("tolerates a body without fields and reads the request id header", async () => {
    const { client } = clientAnswering(
      respond(401, { code: "invalid_credentials", detail: "The e-mail or password is not correct." }, { "X-Request-Id": "req-7" }),
    );
    const error: ApiError = await unwrap(client.POST("/api/v1/auth/session/", { body: { email: "a@b.c", password: "x" } })).catch((e) => e);
    expect(error.status).toBe(401);
    expect(error.code).toBe("invalid_credentials");
    expect(error.fields).toEqual({});
    expect(error.requestId).toBe("req-7");
    expect(error.isUnauthenticated).toBe(false);
  });

  it("recognises 'not signed in' on 401 and 403", async () => {
    for (const status of [401, 403]) {
      const error = await apiErrorFromResponse(respond(status, { code: "not_authenticated", detail: "No." }));
      expect(error.isUnauthenticated).toBe(true);
    }
    const denied = await apiErrorFromResponse(respond(403, { code: "permission_denied", detail: "No." }));
    expect(denied.isUnauthenticated).toBe(false);
  });

  it("survives a non-JSON error body (a proxy's HTML page)", async () => {
    const error = await apiErrorFromResponse(
      new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway", headers: { "Content-Type": "text/html" } }),
    );
    expect(error).toMatchObject({ status: 502, code: "http_502", detail: "Bad Gateway", fields: {} });
  });

  it("turns a failed fetch into a network_error", async () => {
    const { client } = clientAnswering(() => Promise.reject(new TypeError("Failed to fetch")));
    const error: ApiError = await unwrap(client.GET("/api/v1/me/")).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(NETWORK_ERROR);
    expect(error.status).toBe(0);
  });

  it("resolves 2xx with the JSON body and 204 with undefined", async () => {
    const me = { user: { id: 1 }, account: { slug: "z" }, impersonation: null };
    const ok = clientAnswering(respond(200, me));
    await expect(unwrap(ok.client.GET("/api/v1/me/"))).resolves.toEqual(me);
    const empty = clientAnswering(new Response(null, { status: 204 }));
    await expect(unwrap(empty.client.DELETE("/api/v1/auth/session/"))).resolves.toBeUndefined();
  });
});

describe("request headers", () => {
  it("sends X-CSRFToken from the csrftoken cookie on unsafe methods only", async () => {
    document.cookie = "other=1";
    document.cookie = "csrftoken=tok%2Fen123";
    const { client, seen } = clientAnswering(async () => respond(200, {}));
    await client.GET("/api/v1/me/");
    await client.POST("/api/v1/auth/session/", { body: { email: "a@b.c", password: "x" } });
    await client.DELETE("/api/v1/auth/session/");
    expect(seen[0]!.headers.get("X-CSRFToken")).toBeNull();
    expect(seen[1]!.headers.get("X-CSRFToken")).toBe("tok/en123");
    expect(seen[2]!.headers.get("X-CSRFToken")).toBe("tok/en123");
  });

  it("is same-origin JSON with the UI language", async () => {
    setApiLanguage("ru");
    const { client, seen } = clientAnswering(respond(200, {}));
    await client.POST("/api/v1/auth/session/", { body: { email: "a@b.c", password: "x" } });
    const request = seen[0]!;
    expect(request.credentials).toBe("same-origin");
    expect(new URL(request.url).origin).toBe(location.origin);
    expect(request.headers.get("Content-Type")).toContain("application/json");
    expect(request.headers.get("Accept")).toBe("application/json");
    expect(request.headers.get("Accept-Language")).toBe("ru");
    expect(await request.json()).toEqual({ email: "a@b.c", password: "x" });
    setApiLanguage(undefined);
  });

  it("the default client uses the global fetch at call time", async () => {
    const fetchMock = vi.fn(async () => respond(200, { ok: true }));
    vi.stubGlobal("fetch", fetchMock);
    await unwrap(api.GET("/api/v1/me/"));
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it("reads cookies", () => {
    expect(readCookie("csrftoken", "a=1; csrftoken=abc=def; b=2")).toBe("abc=def");
    expect(readCookie("missing", "a=1")).toBeUndefined();
  });
});
