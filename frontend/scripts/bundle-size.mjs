// The initial JS of each entry (its module script plus every modulepreload), gzipped, against
// the budget. Run after the build (`npm run build` does); exits 1 when an entry is over.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = new URL("../dist/", import.meta.url).pathname;
const budgets = { app: 250, portal: 120 }; // KB gzipped
let failed = false;

for (const [entry, budget] of Object.entries(budgets)) {
  const html = readFileSync(join(dist, entry, "index.html"), "utf8");
  const urls = new Set();
  for (const match of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) urls.add(match[1]);
  for (const match of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) urls.add(match[1]);
  let total = 0;
  const rows = [];
  for (const url of urls) {
    const file = join(dist, url.replace(/^\/static\/web\//, ""));
    const size = gzipSync(readFileSync(file), { level: 9 }).length;
    total += size;
    rows.push(`    ${(size / 1024).toFixed(1).padStart(6)} KB  ${url.split("/").pop()}`);
  }
  const kb = total / 1024;
  const ok = kb <= budget;
  failed ||= !ok;
  console.log(`${entry}: initial JS ${kb.toFixed(1)} KB gzipped (budget ${budget} KB) ${ok ? "ok" : "OVER BUDGET"}`);
  console.log(rows.join("\n"));
}
process.exit(failed ? 1 : 0);
