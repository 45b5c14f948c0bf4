/**
 * The one API client: openapi-fetch over the types generated from the backend's OpenAPI schema
 * (`npm run gen:api` → schema.d.ts). Same origin, session cookie, CSRF header on unsafe methods,
 * JSON in and out, the UI language as Accept-Language (so `detail` and field messages come back
 * in it), and every non-2xx rejected as an ApiError.
 *
 *     import { api, unwrap } from "@/api/client";
 *     const me = await unwrap(api.GET("/api/v1/me/"));
 *     await unwrap(api.POST("/api/v1/auth/session/", { body: { email, password } }));
 *     const t = await unwrap(api.GET("/api/v1/tickets/{id}/", { params: { path: { id: 42 } } }));
 */
import createClient, { type Client } from "openapi-fetch";
import { ApiError, apiErrorFromResponse, NETWORK_ERROR } from "./errors";
import type { components, paths } from "./schema";

export type { components, paths };
export type Schemas = components["schemas"];
export { ApiError, isApiError } from "./errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export function readCookie(name: string, cookies: string = typeof document === "undefined" ? "" : document.cookie): string | undefined {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

let currentLanguage: string | undefined;
/** The i18n setup calls this whenever the UI language changes. */
export function setApiLanguage(language: string | undefined): void {
  currentLanguage = language;
}

export interface ApiClientOptions {
  /** For tests: the fetch to call (default: the global fetch at call time). */
  fetch?: (request: Request) => Promise<Response>;
  baseUrl?: string;
}

export type ApiClient = Client<paths, "application/json">;

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const doFetch = async (request: Request): Promise<Response> => {
    const headers = request.headers;
    if (!headers.has("Accept")) headers.set("Accept", "application/json");
    if (!SAFE_METHODS.has(request.method.toUpperCase())) {
      const token = readCookie("csrftoken");
      if (token) headers.set("X-CSRFToken", token);
    }
    if (currentLanguage && !headers.has("Accept-Language")) headers.set("Accept-Language", currentLanguage);
    let response: Response;
    try {
      response = await (options.fetch ?? globalThis.fetch)(request);
    } catch (cause) {
      throw new ApiError({ status: 0, code: NETWORK_ERROR, detail: cause instanceof Error ? cause.message : String(cause) });
    }
    if (!response.ok) throw await apiErrorFromResponse(response);
    return response;
  };
  return createClient<paths, "application/json">({
    // absolute, so Request() also works outside a browser (tests); same origin as the page
    baseUrl: options.baseUrl ?? globalThis.location?.origin ?? "",
    credentials: "same-origin",
    fetch: doFetch,
  });
}

export const api: ApiClient = createApiClient();

/**
 * The success body of a call (the client already rejected every non-2xx with ApiError).
 * 204 answers resolve to `undefined`.
 */
export async function unwrap<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data } = await call;
  return data as T;
}
