import { isApiError } from "@/api/client";

/**
 * The API's messages for one custom field of a failed request. The desk reports them as
 * `fields.<key>` (tenant_apps/desk/fields.py); a serializer nesting them would give
 * `fields.fields.<key>` (atrium/errors.py flattens nested errors with dots): both are read.
 */
export function fieldErrorsFor(error: unknown, key: string): string[] | undefined {
  if (!isApiError(error)) return undefined;
  const messages = [...error.fieldErrors(`fields.${key}`), ...error.fieldErrors(`fields.fields.${key}`)];
  return messages.length ? messages : undefined;
}

/** The error names `fieldErrorsFor` reads for these keys (for ErrorAlert `shownFields`). */
export function customFieldErrorNames(keys: string[]): string[] {
  return keys.flatMap((key) => [`fields.${key}`, `fields.fields.${key}`]);
}
