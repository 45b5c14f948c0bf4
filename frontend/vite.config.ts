/// <reference types="vitest/config" />
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

// Two entries: dist/app/index.html (agent workspace) and dist/portal/index.html (requesters),
// hashed assets under dist/assets/. Django serves dist/ at /static/web/ and answers every path
// under /app/ and /portal/ with the matching index.html (SPA fallback).
//
// `npm run build` builds each entry on its own (`--mode app`, then `--mode portal` into the same
// dist/): chunks shared by two entries carry the union of what both use, and the portal's
// budget (120 KB gzipped) has no room for the app's share of react-router's data router.
// `npm run dev` serves both.
const ENTRIES = {
  app: resolve(root, "app/index.html"),
  portal: resolve(root, "portal/index.html"),
};

function entriesFor(mode: string): Record<string, string> {
  return mode === "app" || mode === "portal" ? { [mode]: ENTRIES[mode] } : ENTRIES;
}
// `npm run dev` only: answer /app/... and /portal/... with their index.html as Django does.
const spaFallback: Plugin = {
  name: "atrium-spa-fallback",
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      const url = req.url ?? "";
      for (const entry of ["app", "portal"]) {
        if ((url === `/${entry}` || url.startsWith(`/${entry}/`)) && !/\.\w+(\?|$)/.test(url)) {
          req.url = `/${entry}/index.html`;
        }
      }
      next();
    });
  },
};

export default defineConfig(({ command, mode }) => ({
  base: command === "build" ? "/static/web/" : "/",
  plugins: [react(), spaFallback],
  resolve: {
    alias: { "@": resolve(root, "src") },
  },
  build: {
    outDir: "dist",
    emptyOutDir: mode !== "portal", // the app build (first) clears dist/, the portal build adds to it
    sourcemap: false,
    target: "es2022",
    rolldownOptions: {
      input: entriesFor(mode),
      output: {
        // Libraries in stable chunks (cached across releases); the portal loads only those it uses.
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 30 },
            { name: "router", test: /node_modules[\\/](react-router|cookie|set-cookie-parser)[\\/]/, priority: 20 },
            { name: "query", test: /node_modules[\\/]@tanstack[\\/](query-core|react-query)[\\/]/, priority: 20 },
            { name: "i18n", test: /node_modules[\\/](i18next|react-i18next|html-parse-stringify|void-elements)[\\/]/, priority: 20 },
            { name: "radix", test: /node_modules[\\/](@radix-ui|@floating-ui|aria-hidden|react-remove-scroll[^\\/]*|use-callback-ref|use-sidecar|detect-node-es|get-nonce|tslib)[\\/]/, priority: 20 },
            // The portal's own code its entry loads at once ($initial), in one chunk: left to
            // itself the splitter cuts what lazy pages share with it into small chunks, each
            // compressed on its own (~1 KB more gzipped in all; budget 120 KB).
            ...(mode === "portal" ? [{ name: "portal-shell", test: /[\\/]src[\\/]|node_modules[\\/]openapi-fetch[\\/]/, tags: ["$initial" as const], priority: 10 }] : []),
          ],
        },
      },
    },
  },
  server: {
    // `npm run dev`: the platform (./dev up) answers the API and the websocket on :8000.
    // Open http://zelenopark.atrium.localhost:5173/app/ (the Host picks the account).
    proxy: {
      "/api": { target: "http://127.0.0.1:8000", changeOrigin: false },
      "/ws": { target: "ws://127.0.0.1:8000", ws: true, changeOrigin: false },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/shared/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    restoreMocks: true,
    unstubGlobals: true,
  },
}));
