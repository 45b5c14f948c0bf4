/**
 * What the portal starts fetching the moment its script runs, in parallel, instead of one after
 * another as the components mount (bench/web.py: "my requests" cold on a throttled phone):
 *
 * - /me/ and /branding/ (the shell waits for both; before, they started only once the language
 *   catalogues had loaded, since the shell suspends on them first);
 * - the page's own chunk (before, it loaded only once the shell had /me/);
 * - on "my requests", the list itself as soon as /me/ says who this is (its scope depends on the
 *   role: a key user's list is the company's).
 *
 * The queries use the same keys and functions as the components, so these fetches are theirs.
 */
import type { QueryClient } from "@tanstack/react-query";
import { fetchMe, meQueryKey } from "@/shared/session/api";
import { keys, listRequests } from "./api";
import { brandingQueryKey, fetchBranding } from "./branding";
import { pageFor } from "./pages";

export function startBoot(queryClient: QueryClient, pathname: string): void {
  const path = pathname.replace(/^\/portal/, "") || "/";
  const signedOutPage = /^\/(sign-in|forgot-password|reset-password|accept-invitation)\/?$/.test(path);
  void queryClient.prefetchQuery({ queryKey: brandingQueryKey, queryFn: fetchBranding, staleTime: 10 * 60_000 });
  void pageFor(path)?.().catch(() => undefined); // the router's lazy() gets the same module
  if (signedOutPage) return;
  const me = queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 5 * 60_000 });
  if (/^\/requests\/?$/.test(path) && !new URLSearchParams(globalThis.location?.search ?? "").has("scope")) {
    void me.then((person) => {
      if (!person) return;
      // RequestsPage's default list: the company's for a key user, one's own otherwise (same query)
      const scope = person.user.role === "key_user" ? "company" : "mine";
      return queryClient.prefetchQuery({ queryKey: keys.requests(scope), queryFn: () => listRequests({}) });
    }, () => undefined);
  } else {
    void me.catch(() => undefined);
  }
}
