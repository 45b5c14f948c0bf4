import { type QueryClient, useQuery } from "@tanstack/react-query";
import { api, isApiError, type Schemas, unwrap } from "@/api/client";

export type Me = Schemas["Me"];
export type SignedInPerson = Schemas["SignedInPerson"];

export const meQueryKey = ["me"] as const;

/** GET /api/v1/me/ → the person and account, or `null` when nobody is signed in. */
export async function fetchMe(): Promise<Me | null> {
  try {
    return await unwrap(api.GET("/api/v1/me/"));
  } catch (error) {
    if (isApiError(error) && error.isUnauthenticated) return null;
    throw error;
  }
}

export function useMeQuery() {
  return useQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 5 * 60_000 });
}

/** DELETE /api/v1/auth/session/, then forget everything cached for the person. */
export async function signOut(queryClient: QueryClient): Promise<void> {
  try {
    await unwrap(api.DELETE("/api/v1/auth/session/"));
  } finally {
    queryClient.clear();
  }
}
