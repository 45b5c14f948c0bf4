/**
 * The one error every API call rejects with. The backend answers every failure as
 * `{"code", "detail", "fields"}` (docs/api.md "Errors"); `fields` maps a field name (dotted for
 * nested items: `statuses.2.category`, custom fields `fields.<key>`) to its messages.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fields: Record<string, string[]>;
  readonly requestId: string | undefined;

  constructor(init: {
    status: number;
    code: string;
    detail: string;
    fields?: Record<string, string[]>;
    requestId?: string | undefined;
  }) {
    super(init.detail || init.code);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.fields = init.fields ?? {};
    this.requestId = init.requestId;
  }

  /** Messages for one field (empty when the API named none). */
  fieldErrors(name: string): string[] {
    return this.fields[name] ?? [];
  }

  /** True for "you are not signed in" (DRF answers 403 for session auth, 401 for tokens). */
  get isUnauthenticated(): boolean {
    return (
      (this.status === 401 || this.status === 403) &&
      (this.code === "not_authenticated" || this.code === "authentication_failed")
    );
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** Codes the client itself produces (never sent by the server). */
export const NETWORK_ERROR = "network_error";
export const BAD_RESPONSE = "bad_response";

function asFields(value: unknown): Record<string, string[]> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(messages)) out[name] = messages.map(String);
    else if (messages != null) out[name] = [String(messages)];
  }
  return out;
}

/** Build an ApiError from a non-2xx response (reads the body; tolerates non-JSON bodies). */
export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  const requestId = response.headers.get("X-Request-Id") ?? undefined;
  let body: unknown = undefined;
  try {
    const text = await response.text();
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    return new ApiError({
      status: response.status,
      code: typeof b.code === "string" && b.code ? b.code : `http_${response.status}`,
      detail: typeof b.detail === "string" ? b.detail : "",
      fields: asFields(b.fields),
      requestId,
    });
  }
  return new ApiError({
    status: response.status,
    code: `http_${response.status}`,
    detail: response.statusText || "",
    requestId,
  });
}
