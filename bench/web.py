"""The web app in a real browser: what it downloads, how fast the first rows appear, how fast a
change reaches another agent's screen.

    ./dev bench web [--tickets 100000] [--loads 20] [--changes 20]

A mall account is seeded with --tickets tickets (set-based SQL, bench/_desk_seed.py); daphne
serves the built web app and the API on 127.0.0.1; Debian's chromium (Playwright, never a
downloaded browser) opens the agent workspace at <slug>.atrium.localhost.

Prints (figures, never pass/fail):
  initial JS   every script the browser fetched until the first screen was complete (the app's
               queue with its rows; the portal's home), gzipped: budgets app <= 250 KB, portal <= 120 KB
  first rows   navigation start -> 50 rows of the queue in the DOM, in a new browser context each
               time (cold cache), p50/p95 over --loads, plain and with 4x CPU throttling
               (budgets: p95 <= 1.0 s and <= 2.0 s)
  live row     another agent's change committed over HTTP -> the row's cell changed in this agent's
               table, p50/p95 over --changes (budget p95 <= 300 ms)
  portal       a tenant's key user opens /portal/requests on a phone (390x844, 4x CPU throttling):
               navigation start -> their requests listed (the page's data-requests-ready), a new
               browser context each time (cold cache, no service worker yet), p50/p95 over --loads
               (budget p95 <= 1.5 s)

    ./dev bench web --only portal [--loads 20] [--trace] [--profile]   (the portal alone, 200
               tickets; the key user files 30; --trace prints each load's fetches, start -> end
               after navigation; --profile first takes one load under Chromium's tracer and prints
               the main thread's long tasks and the JS functions by self time)
  gate         a pass's QR code shown to the camera -> the verdict on the gate screen (/app/gate),
               p50/p95 over --scans (budget p95 <= 500 ms, decode included). The camera is
               Chromium's fake capture device playing a Y4M clip of the pass's QR code (a second
               browser with the --use-*-fake-* flags); the QR is in every frame, so "shown to the
               camera" is the first camera frame the screen draws (its performance mark
               "gate:frame") and the end is its mark "gate:verdict" (the verdict rendered, after
               jsQR's decode -- this Chromium has no BarcodeDetector -- and POST /gate/check/).
               Each scan opens the camera again ("Scan the next one").

    ./dev bench web --only gate [--scans 20]   (the gate alone, on a small account)
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time
from pathlib import Path

from _setup import ROOT, percentile, setup_django

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ROWS = 50
# The queue's rows and cells (frontend/src/features/queues): one <tr data-ticket-id> per ticket.
ROW_SELECTOR = "tbody tr[data-ticket-id]"
ROWS_READY = f"""() => new Promise(resolve => {{
  const check = () => document.querySelectorAll('{ROW_SELECTOR}').length >= {ROWS};
  if (check()) return resolve(performance.now());
  new MutationObserver((_, observer) => {{
    if (check()) {{ observer.disconnect(); resolve(performance.now()); }}
  }}).observe(document, {{subtree: true, childList: true}});
}})"""


def stats(label: str, ms: list[float], budget: float | None = None) -> str:
    line = f"{label:<44} p50 {percentile(ms, 50):7.0f} ms   p95 {percentile(ms, 95):7.0f} ms   n={len(ms)}"
    if budget is not None:
        verdict = "within" if percentile(ms, 95) <= budget else "OVER"
        line += f"   (budget p95 <= {budget:.0f} ms: {verdict})"
    return line


def gzipped_kb(urls: set[str]) -> tuple[float, list[tuple[str, float]]]:
    dist = ROOT / "frontend" / "dist"
    rows = []
    for url in sorted(urls):
        path = dist / url.split("/static/web/", 1)[1]
        rows.append((path.name, len(gzip.compress(path.read_bytes(), compresslevel=9)) / 1024))
    return sum(kb for _, kb in rows), rows


def print_js(label: str, initial: set[str], later: set[str], budget: float) -> None:
    total, rows = gzipped_kb(initial)
    print(f"\ninitial JS, {label}: {total:.1f} KB gzipped (budget {budget:.0f} KB)")
    for name, kb in rows:
        print(f"    {kb:6.1f} KB  {name}")
    if later:
        total, rows = gzipped_kb(later)
        print(f"  then, after the first screen: {total:.1f} KB ({', '.join(name for name, _ in rows)})")


def sign_in(context, base: str, email: str, password: str) -> None:
    """Over loopback with the account's Host (Playwright's request context cannot resolve
    *.localhost names); the context gets the session cookie and stays cold (nothing cached)."""
    import requests

    host, port = base.split("//", 1)[1].rsplit(":", 1)
    response = requests.post(
        f"http://127.0.0.1:{port}/api/v1/auth/session/",
        json={"email": email, "password": password},
        headers={"Host": host},
        timeout=30,
    )
    if response.status_code != 200:
        raise RuntimeError(f"sign-in of {email}: {response.status_code} {response.text[:200]}")
    context.add_cookies(
        [
            {"name": name, "value": value, "domain": host, "path": "/"}
            for name, value in response.cookies.items()
        ]
    )


def measure_initial_js(
    browser, base: str, path: str, email: str, password: str, ready: str
) -> tuple[set[str], set[str]]:
    """(the scripts the page started fetching until `ready` was in the DOM, those it fetched in
    the next second). What starts after the first screen (a chunk mounted when the browser is
    idle, e.g. the portal's bell) is not initial JS."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    sign_in(context, base, email, password)
    page = context.new_page()
    page.goto(base + path, wait_until="commit")
    shown = page.evaluate(READY_AT.replace("SELECTOR", ready.replace("'", "\\'")))
    page.wait_for_timeout(1000)
    timeline = page.evaluate(TIMELINE)
    fetched = [
        (name, start) for name, start, _end in timeline if name.endswith(".js") and "/static/web/" in name
    ]
    data = {
        n for n, start, _end in timeline if n.endswith(".json") and "/static/web/" in n and start <= shown
    }
    context.close()
    if data:  # the portal's translation catalogues are JSON files: data, printed apart
        total, _rows = gzipped_kb(data)
        print(
            f"  ({path}: {len(data)} JSON files before the first screen, {total:.1f} KB gzipped: translations)"
        )
    return {n for n, start in fetched if start <= shown}, {n for n, start in fetched if start > shown}


def first_rows(
    browser, base: str, path: str, email: str, password: str, loads: int, throttle: float
) -> list[float]:
    times = []
    for _ in range(loads):
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        sign_in(context, base, email, password)
        page = context.new_page()
        if throttle > 1:
            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        page.goto(base + path, wait_until="commit")
        times.append(page.evaluate(ROWS_READY))
        context.close()
    return times


# navigation start -> SELECTOR in the DOM (ms)
READY_AT = """() => new Promise(resolve => {
  const check = () => document.querySelector('SELECTOR') !== null;
  if (check()) return resolve(performance.now());
  new MutationObserver((_, observer) => {
    if (check()) { observer.disconnect(); resolve(performance.now()); }
  }).observe(document, {subtree: true, childList: true, attributes: true});
})"""
PORTAL_READY = """() => new Promise(resolve => {
  const check = () => document.querySelector('[data-requests-ready]') !== null;
  if (check()) return resolve(performance.now());
  new MutationObserver((_, observer) => {
    if (check()) { observer.disconnect(); resolve(performance.now()); }
  }).observe(document, {subtree: true, childList: true, attributes: true});
})"""


TIMELINE = """() => performance.getEntriesByType('resource').map(e => [
  e.name.replace(location.origin, ''), e.startTime, e.responseEnd])"""


def portal_requests(
    browser, base: str, email: str, password: str, loads: int, throttle: float = 4, trace: bool = False
) -> list[float]:
    """Navigation start -> the portal's request list rendered, on a phone, cold context each time.
    With `trace`, prints each load's fetches (start -> end, ms after navigation start)."""
    times = []
    for _ in range(loads):
        context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
        sign_in(context, base, email, password)
        page = context.new_page()
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        page.goto(base + "/portal/requests", wait_until="commit")
        times.append(page.evaluate(PORTAL_READY))
        if trace:
            print(f"  load {len(times)}: listed at {times[-1]:.0f} ms")
            for name, start, end in page.evaluate(TIMELINE):
                print(f"    {start:6.0f} -> {end:6.0f} ms  {name}")
        context.close()
    return times


TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "blink.user_timing",
    "loading",
    "toplevel",
    "disabled-by-default-v8.cpu_profiler",
]


def portal_profile(browser, base: str, email: str, password: str, throttle: float = 4, top: int = 25) -> None:
    """One cold load of "my requests" (phone, CPU throttled) under Chromium's tracing: prints the
    main thread's long tasks (>= 50 ms) with what ran in them, and the JS functions by self time
    (the V8 sampling profiler), ms after navigation start. Durations are throttled wall time."""
    import json

    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    sign_in(context, base, email, password)
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
    page.goto(base + "/portal/requests", wait_until="commit")
    listed = page.evaluate(PORTAL_READY)
    page.wait_for_timeout(300)
    raw = browser.stop_tracing()
    context.close()
    saved = Path(tempfile.mkdtemp(prefix="atrium-bench-web-trace-")) / "portal-requests.json"
    saved.write_bytes(raw)
    print(f"\n  trace saved to {saved} (open it in Chromium's DevTools, Performance panel)")
    summarize_trace(json.loads(raw)["traceEvents"], listed, top)


def summarize_trace(events: list, listed: float, top: int = 25) -> None:
    import json
    from collections import defaultdict

    starts = [
        e for e in events if e.get("name") == "navigationStart" and "/portal/" in json.dumps(e.get("args"))
    ]
    if not starts:
        print("  (no navigationStart in the trace)")
        return
    nav = starts[-1]
    pid = nav["pid"]
    main = {
        e["tid"]
        for e in events
        if e.get("ph") == "M" and e.get("pid") == pid and e.get("args", {}).get("name") == "CrRendererMain"
    }
    t0 = nav["ts"]
    end = t0 + (listed + 300) * 1000

    def ms(ts: float) -> float:
        return (ts - t0) / 1000

    def label(e: dict) -> str:
        data = e.get("args", {}).get("data", {}) or {}
        url = (data.get("url") or "").rsplit("/", 1)[-1]
        if e["name"] == "FunctionCall":
            return (
                f"FunctionCall {data.get('functionName') or '(anonymous)'} {url}:{data.get('lineNumber', '')}"
            )
        if e["name"] in ("EvaluateScript", "v8.compile", "v8.compileModule", "v8.evaluateModule"):
            return f"{e['name']} {url or data.get('fileName', '')}"
        if e["name"] == "EventDispatch":
            return f"EventDispatch {data.get('type', '')}"
        return e["name"]

    on_main = [
        e
        for e in events
        if e.get("ph") == "X" and e.get("pid") == pid and e.get("tid") in main and t0 <= e["ts"] <= end
    ]
    # a task is one RunTask (older Chromiums: ThreadControllerImpl::RunTask, nested in it otherwise)
    task_name = "RunTask" if any(e["name"] == "RunTask" for e in on_main) else "ThreadControllerImpl::RunTask"
    tasks = [e for e in on_main if e["name"] == task_name and e.get("dur", 0) >= 50_000]
    print(
        f"\n== one cold load under the tracer: listed at {listed:.0f} ms; main-thread long tasks (>= 50 ms) =="
    )
    busy = sum(e.get("dur", 0) for e in on_main if e["name"] == task_name) / 1000
    print(f"  main thread busy {busy:.0f} ms of {listed:.0f} ms")
    for task in tasks:
        inside = [
            e
            for e in on_main
            if e is not task
            and e["name"] not in ("RunTask", "ThreadControllerImpl::RunTask")
            and task["ts"] <= e["ts"]
            and e["ts"] + e.get("dur", 0) <= task["ts"] + task["dur"]
        ]
        by = defaultdict(float)
        for e in inside:
            # only the outermost events (not nested in another event of this task)
            if not any(
                o is not e
                and o["ts"] <= e["ts"]
                and e["ts"] + e.get("dur", 0) <= o["ts"] + o.get("dur", 0)
                and o.get("dur", 0) > e.get("dur", 0)
                for o in inside
            ):
                by[label(e)] += e.get("dur", 0) / 1000
        parts = ", ".join(f"{name} {dur:.0f}" for name, dur in sorted(by.items(), key=lambda kv: -kv[1])[:6])
        print(f"  {ms(task['ts']):6.0f} ms  {task['dur'] / 1000:5.0f} ms  {parts}")

    # the V8 sampling profiler: self time per function and per script
    nodes: dict = {}
    self_ms: dict = defaultdict(float)
    for e in events:
        if e.get("name") != "ProfileChunk" or e.get("pid") != pid:
            continue
        profile = e["args"]["data"].get("cpuProfile", {})
        for node in profile.get("nodes", []):
            frame = node["callFrame"]
            nodes[(e["id"], node["id"])] = (
                f"{frame.get('functionName') or '(anonymous)'} {frame.get('url', '').rsplit('/', 1)[-1]}:{frame.get('lineNumber', -1) + 1}"
            )
        for sample, delta in zip(
            profile.get("samples", []), e["args"]["data"].get("timeDeltas", []), strict=False
        ):
            self_ms[nodes.get((e["id"], sample), "?")] += delta / 1000
    if self_ms:
        per_script = defaultdict(float)
        for name, value in self_ms.items():
            per_script[name.split(" ", 1)[1].rsplit(":", 1)[0] or name.split(" ", 1)[0]] += value
        print(
            "  JS self time by script (ms): "
            + ", ".join(
                f"{k or '?'} {v:.0f}" for k, v in sorted(per_script.items(), key=lambda kv: -kv[1])[:12]
            )
        )
        print(f"  top {top} functions by self time:")
        for name, value in sorted(self_ms.items(), key=lambda kv: -kv[1])[:top]:
            print(f"    {value:7.1f} ms  {name}")


def file_portal_requests(api_base: str, host: str, email: str, count: int) -> None:
    """`count` requests filed by the key user over the API (the seeded ones may be anyone's)."""
    import requests
    from desk_api import get_token

    headers = {"Host": host, "Authorization": f"Token {get_token(api_base, host, email)}"}
    for number in range(count):
        body = {"type": "dirt", "title": f"Portal bench request {number}", "fields": {}}
        response = requests.post(api_base + "/api/v1/tickets/", json=body, headers=headers, timeout=30)
        if response.status_code != 201:
            raise RuntimeError(f"filing: {response.status_code} {response.text[:300]}")


def portal_only(
    browser,
    base: str,
    key_user: tuple,
    loads: int,
    api_base: str = "",
    host: str = "",
    trace: bool = False,
    profile: bool = False,
) -> None:
    if api_base:
        file_portal_requests(api_base, host, key_user[0], 30)
    if profile:
        portal_profile(browser, base, *key_user)
    portal_js, later = measure_initial_js(browser, base, "/portal/", *key_user, "[data-portal-ready]")
    print_js("portal (/portal/)", portal_js, later, 120)
    print(f"\n== portal: my requests on a phone (390x844), CPU throttled 4x, {loads} cold loads ==")
    print(
        stats(
            "navigation -> my requests listed",
            portal_requests(browser, base, *key_user, loads, trace=trace),
            1500,
        ),
        flush=True,
    )


def live_row(browser, base: str, host_base: str, path: str, viewer: tuple, changer_token: str, changes: int):
    import requests

    context = browser.new_context(viewport={"width": 1366, "height": 768})
    sign_in(context, base, *viewer)
    page = context.new_page()
    page.goto(base + path)
    page.wait_for_selector(ROW_SELECTOR)
    page.wait_for_timeout(1500)  # the socket subscribes after the first page (not measured)
    ticket_id = int(page.locator(ROW_SELECTOR).first.get_attribute("data-ticket-id"))
    session = requests.Session()
    session.headers.update({"Host": host_base, "Authorization": f"Token {changer_token}"})
    url = f"http://127.0.0.1:{base.rsplit(':', 1)[1]}/api/v1/tickets/{ticket_id}/"
    latencies = []
    for i in range(changes):
        title = f"Live change {i} {time.time():.3f}"
        page.evaluate(
            """([id, title]) => { window.__seen = null; const row = () => document.querySelector(`tr[data-ticket-id="${id}"]`);
                 const observer = new MutationObserver(() => { if (row() && row().textContent.includes(title)) {
                   window.__seen = Date.now(); observer.disconnect(); } });
                 observer.observe(document.body, {subtree: true, childList: true, characterData: true}); }""",
            [ticket_id, title],
        )
        sent = time.time() * 1000
        response = session.patch(url, json={"title": title}, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"change: {response.status_code} {response.text[:200]}")
        page.wait_for_function("() => window.__seen !== null", timeout=10_000)
        latencies.append(page.evaluate("() => window.__seen") - sent)
    context.close()
    return latencies


def qr_clip(text: str, path: Path, width: int = 640, height: int = 480, frames: int = 5) -> Path:
    """A Y4M (4:2:0) clip of the QR code of `text` for Chromium's fake camera (segno + Pillow)."""
    import io

    import segno
    from PIL import Image

    png = io.BytesIO()
    segno.make(text, error="m").save(png, kind="png", scale=10, border=4)
    side = min(width, height) - 80
    code = Image.open(io.BytesIO(png.getvalue())).convert("L").resize((side, side), Image.NEAREST)
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - side) // 2, (height - side) // 2))
    y, cb, cr = frame.convert("RGB").convert("YCbCr").split()
    half = (width // 2, height // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + (b"FRAME\n" + planes) * frames)
    return path


def gate_scans(playwright, base: str, api_base: str, made, guard: tuple, scans: int) -> tuple[list, list]:
    """(frame -> verdict, frame -> code read) in ms for `scans` scans of an issued pass's QR code."""
    import requests
    from django.db import connection
    from django_tenants.utils import schema_context

    from tenant_apps.passes.models import Pass

    token = requests.post(
        api_base + "/api/v1/auth/tokens/",
        json={"email": guard[0], "password": guard[1]},
        headers={"Host": made.host},
        timeout=30,
    ).json()["token"]
    today = time.strftime("%Y-%m-%d")
    response = requests.post(
        api_base + "/api/v1/pass-requests/",
        json={
            "kind": "permanent",
            "holders": [{"name": "Bench Driver", "vehicle_plate": "A123BC77"}],
            "valid_from": today,
            "required_documents": ["Passport"],
            "issue": True,
        },
        headers={"Host": made.host, "Authorization": f"Token {token}"},
        timeout=30,
    )
    if response.status_code != 201:
        raise RuntimeError(f"pass request: {response.status_code} {response.text[:300]}")
    # Playwright's sync API runs an event loop in this thread; this one ORM read stays synchronous
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with schema_context(made.account.schema_name):
        connection.tenant = made.account
        qr = Pass.objects.get(pk=response.json()["passes"][0]["id"]).qr_token
    connection.set_schema_to_public()
    clip = qr_clip(qr, Path(tempfile.mkdtemp(prefix="atrium-bench-gate-")) / "pass.y4m")
    camera = playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={clip}",
        ],
    )
    context = camera.new_context(viewport={"width": 1024, "height": 768}, permissions=["camera"])
    sign_in(context, base, *guard)
    page = context.new_page()
    page.goto(base + "/app/gate")
    page.get_by_role("button", name="Scan a QR code").wait_for(timeout=60_000)
    to_verdict, to_code = [], []
    for i in range(scans + 1):  # the first scan warms up (chunks, the decoder's module): not counted
        page.evaluate("() => performance.clearMarks()")
        page.get_by_role("button", name="Scan a QR code" if i == 0 else "Scan the next one").click()
        page.wait_for_function(
            "() => performance.getEntriesByName('gate:verdict').length > 0", timeout=30_000
        )
        frame, code, verdict = page.evaluate(
            "() => ['gate:frame', 'gate:code', 'gate:verdict'].map(n => performance.getEntriesByName(n)[0].startTime)"
        )
        if page.locator("[data-verdict=valid]").count() != 1:
            raise RuntimeError("the gate did not show the pass as valid")
        if i:
            to_verdict.append(verdict - frame)
            to_code.append(code - frame)
    camera.close()
    return to_verdict, to_code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--scans", type=int, default=20)
    parser.add_argument("--only", choices=["all", "gate", "portal"], default="all")
    parser.add_argument("--trace", action="store_true", help="portal: print each load's fetches")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="portal: first one load under Chromium's tracer (long tasks, JS self time)",
    )
    args = parser.parse_args()
    if args.only == "portal" and "--tickets" not in sys.argv:
        args.tickets = 200  # a small account; the key user also files 30 of their own

    sys.path.insert(0, str(ROOT / "platform"))
    from atrium.frontend import ensure_built

    ensure_built()
    setup_django("atrium_bench_web")
    from _desk_seed import PASSWORD
    from desk_api import get_token, seed_account, start_daphne, stop_daphne
    from django.db import connections

    from tenants_shared.accounts.template import ensure_template

    ensure_template()
    if args.only == "gate":  # the gate needs an account and its people, no tickets
        made, directory = directory_only("bench-web")
    else:
        made, directory = seed_account("bench-web", args.tickets)
    connections.close_all()
    log_dir = Path(tempfile.mkdtemp(prefix="atrium-bench-web-"))
    daphne, api_base = start_daphne(log_dir / "daphne.log")
    port = api_base.rsplit(":", 1)[1]
    base = f"http://{made.host}:{port}"
    dispatcher = (directory["dispatcher_email"], PASSWORD)
    queue = "/app/queues/open?ordering=-updated_at"
    print(
        f"daphne on {api_base} (log {log_dir}); browser at {base}; 1-min load {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            if args.only == "gate":
                gate_only(playwright, base, api_base, made, dispatcher, args.scans)
                return
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            if args.only == "portal":
                key_user = (directory["key_user_email"], PASSWORD)
                portal_only(
                    browser, base, key_user, args.loads, api_base, made.host, args.trace, args.profile
                )
                browser.close()
                return
            app_js = measure_initial_js(browser, base, queue, *dispatcher, ROW_SELECTOR)
            portal_js = measure_initial_js(
                browser, base, "/portal/", directory["key_user_email"], PASSWORD, "[data-portal-ready]"
            )
            print_js("app (/app/queues)", *app_js, 250)
            print_js("portal (/portal/)", *portal_js, 120)
            print(f"\n== first {ROWS} rows, account with {args.tickets:,} tickets, cold context each ==")
            plain = first_rows(browser, base, queue, *dispatcher, args.loads, 1)
            print(stats("navigation -> 50 rows", plain, 1000), flush=True)
            throttled = first_rows(browser, base, queue, *dispatcher, args.loads, 4)
            print(stats("navigation -> 50 rows, CPU throttled 4x", throttled, 2000), flush=True)
            changer = get_token(
                api_base, made.host, directory["dispatcher_email"].replace("dispatcher0", "dispatcher1")
            )
            latencies = live_row(browser, base, made.host, queue, dispatcher, changer, args.changes)
            print(stats("\nchange committed -> row updated", latencies, 300))
            key_user = (directory["key_user_email"], PASSWORD)
            print(
                f"\n== portal: my requests on a phone (390x844), CPU throttled 4x, {args.loads} cold loads =="
            )
            print(
                stats(
                    "navigation -> my requests listed",
                    portal_requests(browser, base, *key_user, args.loads),
                    1500,
                )
            )
            browser.close()
            gate_only(playwright, base, api_base, made, dispatcher, args.scans)
    finally:
        stop_daphne(daphne)
    print(f"1-min load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def directory_only(slug: str):
    """A mall account with bench/_desk_seed.py's directory and no tickets."""
    from _desk_seed import PASSWORD, seed_directory
    from django.db import connection
    from django_tenants.utils import schema_context

    from tenants_shared.accounts.services import provision_account

    made = provision_account(
        name=f"Bench {slug}",
        slug=slug,
        kind="mall_operator",
        admin_name="Bench Admin",
        admin_email=f"admin@{slug}.example",
        admin_password=PASSWORD,
        send_welcome=False,
    )
    with schema_context(made.account.schema_name):
        connection.tenant = made.account
        directory = seed_directory(made.account.schema_name)
    connection.set_schema_to_public()
    return made, directory


def gate_only(playwright, base, api_base, made, guard, scans) -> None:
    print(
        f"\n== gate: a pass's QR code shown to the fake camera, {scans} scans (tablet, jsQR) ==", flush=True
    )
    to_verdict, to_code = gate_scans(playwright, base, api_base, made, guard, scans)
    print(stats("first camera frame -> code read", to_code))
    print(stats("first camera frame -> verdict on screen", to_verdict, 500), flush=True)


if __name__ == "__main__":
    main()
