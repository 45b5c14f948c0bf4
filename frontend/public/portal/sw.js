/*
 * The tenants' portal service worker, served at /portal/sw.js (scope /portal/). Small and
 * hand-written (docs: frontend/README.md "Portal"):
 *
 * - pages under /portal/: network first, the last shell answered when offline;
 * - hashed assets (/static/web/assets/*): cache first (their names change with their content);
 * - reads of the person's requests and passes (and /me/, branding, types, the pass QR):
 *   network first, the last answer when offline. Nothing else of the API is kept, and no write
 *   is ever touched. Sign-out asks the worker to forget the API copies ({type: "forget"}).
 */
const SHELL = "portal-shell-v1";
const ASSETS = "portal-assets-v1";
const API = "portal-api-v1";
const KEEP = new Set([SHELL, ASSETS, API]);

const API_READS = [
  /^\/api\/v1\/me\/$/,
  /^\/api\/v1\/branding\/$/,
  /^\/api\/v1\/ticket-types\/$/,
  /^\/api\/v1\/companies\/$/,
  /^\/api\/v1\/tickets\/$/,
  /^\/api\/v1\/tickets\/\d+\/(comments\/|attachments\/)?$/,
  /^\/api\/v1\/passes\/$/,
  /^\/api\/v1\/passes\/\d+\/(qr\/)?$/,
  /^\/api\/v1\/announcements\/$/,
];

async function precacheShell() {
  const cache = await caches.open(SHELL);
  const response = await fetch("/portal/", { credentials: "same-origin", cache: "no-cache" });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put("/portal/", response);
  // the entry's own script, styles and preloads, so the shell opens offline from the first visit
  const urls = new Set();
  for (const match of html.matchAll(/(?:src|href)="(\/static\/web\/assets\/[^"]+)"/g)) urls.add(match[1]);
  const assets = await caches.open(ASSETS);
  await Promise.all([...urls].map((url) => assets.add(url).catch(() => undefined)));
}

self.addEventListener("install", (event) => {
  event.waitUntil(precacheShell().catch(() => undefined).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith("portal-") && !KEEP.has(name)) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "forget") event.waitUntil(caches.delete(API));
});

async function networkFirst(request, cacheName, fallbackKey) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(fallbackKey || request, response.clone());
    return response;
  } catch (error) {
    const cached = (await cache.match(fallbackKey || request)) || (fallbackKey ? undefined : await cache.match(request, { ignoreVary: true }));
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(ASSETS);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && (url.pathname === "/portal" || url.pathname.startsWith("/portal/"))) {
    event.respondWith(networkFirst(request, SHELL, "/portal/"));
    return;
  }
  if (url.pathname.startsWith("/static/web/assets/")) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (API_READS.some((pattern) => pattern.test(url.pathname))) {
    event.respondWith(networkFirst(request, API));
  }
});
