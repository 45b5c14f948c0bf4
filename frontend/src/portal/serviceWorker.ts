/**
 * The portal's service worker (frontend/public/portal/sw.js, served at /portal/sw.js with scope
 * /portal/): an offline shell, cache-first hashed assets, network-first reads of requests and
 * passes so the last seen ones open without a connection. This module loads and registers the
 * worker after the first screen (main.tsx: idle.ts's afterFirstScreen): the worker's install
 * fetches the shell and its assets again, and once it controls the page every fetch goes through
 * it; neither should compete with the first screen's requests.
 */
export const SW_URL = "/portal/sw.js";

export function registerServiceWorker(): void {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator) || !import.meta.env.PROD) return;
  void navigator.serviceWorker.register(SW_URL, { scope: "/portal/" }).catch(() => undefined);
}

/** On sign-out: the offline copies of requests and passes are the person's; drop them. */
export async function forgetOfflineCopies(): Promise<void> {
  try {
    const registration = await navigator.serviceWorker?.getRegistration("/portal/");
    registration?.active?.postMessage({ type: "forget" });
    if (typeof caches !== "undefined") {
      for (const name of await caches.keys()) if (name.startsWith("portal-api")) await caches.delete(name);
    }
  } catch {
    // no service worker: nothing kept
  }
}
