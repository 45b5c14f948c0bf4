import { QueryClient } from "@tanstack/react-query";
import { isApiError } from "@/api/client";

/** One QueryClient per entry. Client errors (4xx) are answers, not glitches: never retried. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => !(isApiError(error) && error.status >= 400 && error.status < 500) && count < 2,
      },
      mutations: { retry: false },
    },
  });
}
