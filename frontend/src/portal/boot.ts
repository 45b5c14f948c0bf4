/**
 * What the portal starts fetching the moment its script runs, in parallel, before React mounts
 * (bench/web.py: "my requests" cold on a throttled phone):
 *
 * - /me/ and /branding/ (the shell waits for both);
 * - the page's own chunk (the router's lazy() gets the same module);
 * - on "my requests", the list itself. Its request is the same for every role (a key user's list
 *   is the company's by the API's rule, anyone else's is their own), so it starts at once, not
 *   after /me/; /me/ only says under which key the page reads it ("company" or "mine"), and the
 *   answer is handed to the query cache under that key.
 *
 * The queries use the same keys and functions as the components, so these fetches are theirs.
 */
import type { QueryClient } from "@tanstack/react-query";
import { fetchMe, meQueryKey } from "@/shared/session/api";
import { keys, listRequests } from "./api";
import { brandingQueryKey, fetchBranding } from "./branding";
import { whenIdle } from "./idle";
import { loadPage, pageFor, pages } from "./pages";

/** Returns when the page's chunk has loaded (or failed: the router's lazy() shows it then). */
export function startBoot(queryClient: QueryClient, pathname: string, search = globalThis.location?.search ?? ""): Promise<unknown> {
  const path = pathname.replace(/^\/portal/, "") || "/";
  const signedOutPage = /^\/(sign-in|forgot-password|reset-password|accept-invitation)\/?$/.test(path);
  const page = pageFor(path);
  const chunk = page ? loadPage(page).catch(() => undefined) : Promise.resolve();
  const branding = () =>
    void queryClient.prefetchQuery({ queryKey: brandingQueryKey, queryFn: fetchBranding, staleTime: 10 * 60_000 });
  if (signedOutPage) {
    branding();
    return Promise.all([chunk, loadPage(pages.publicLayout).catch(() => undefined)]);
  }
  const me = queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 5 * 60_000 });
  branding();
  if (!/^\/requests\/?$/.test(path) || new URLSearchParams(search).has("scope")) {
    void me.catch(() => undefined);
    return chunk;
  }
  // RequestsPage's default list (no ?scope): `listRequests({})` whoever this is
  const list = listRequests({});
  list.catch(() => undefined); // a refusal (signed out) is the page's to show, if it mounts
  void me.then(
    (person) => {
      if (!person) return;
      const scope = person.user.role === "key_user" ? "company" : "mine";
      // in flight before the page mounts (it mounts only once /me/ is known): its useQuery joins it
      return queryClient.prefetchQuery({ queryKey: keys.requests(scope), queryFn: () => list });
    },
    () => undefined,
  );
  return chunk;
}

/**
 * The first Intl.DateTimeFormat a page creates costs ~70 ms on a throttled phone (the ICU data
 * loads), whatever its zone and language; the next ones ~1-5 ms. Created while the main thread
 * waits for the first answers, it is not paid when the rows render.
 */
export function warmUpDateFormat(): void {
  whenIdle(() => {
    try {
      new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(0);
    } catch {
      // nothing to warm up
    }
  }, 300);
}
