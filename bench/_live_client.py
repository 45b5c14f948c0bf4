"""The websocket side of bench/live.py: runs in its own process (multiprocessing, spawn).

One asyncio loop holds every socket (websockets' asyncio client). Each socket connects to
127.0.0.1 with the account's Host (`sock=` a connected TCP socket), reads the hello, subscribes to
its queue, then records `time.time()` for every event frame it receives. The parent drives it
over a multiprocessing Pipe:

    parent -> ("count",)     child -> ("count", frames received so far)
    parent -> ("stop",)      child -> ("result", {...}) and exits

Nothing here imports Django: the process costs only what the sockets cost.
"""

from __future__ import annotations

import asyncio
import gc
import json
import resource
import socket
import time
from array import array


def _raise_nofile(want: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


class Client:
    def __init__(self, cfg: dict):
        self.cfg = cfg
        self.sockets: dict[int, object] = {}
        self.queue_of: dict[int, int] = {}
        self.connect_times: list[float] = []
        self.failures: list[str] = []
        self.sock_idx = array("i")
        self.event_ids = array("q")
        self.recv_at = array("d")
        self.other_frames = 0
        self.closed_early = 0
        self.lags: list[float] = []
        self.readers: list[asyncio.Task] = []
        self.stopping = False

    # ------------------------------------------------------------------ connect
    async def open_one(self, i: int, sem: asyncio.Semaphore) -> None:
        from websockets.asyncio.client import connect

        cfg = self.cfg
        async with sem:
            t0 = time.perf_counter()
            try:
                sock = socket.create_connection(("127.0.0.1", cfg["port"]), timeout=30)
                sock.setblocking(False)
                ws = await connect(
                    f"ws://{cfg['host']}:{cfg['port']}/ws/",
                    sock=sock,
                    additional_headers={"Authorization": f"Token {cfg['tokens'][i % len(cfg['tokens'])]}"},
                    open_timeout=60,
                    ping_interval=None,  # browsers do not ping; daphne pings on its own schedule
                    close_timeout=5,
                )
                hello = json.loads(await asyncio.wait_for(ws.recv(), 60))
                if hello.get("type") != "hello":
                    raise RuntimeError(f"expected hello, got {hello}")
                q = i % len(cfg["queues"])
                await ws.send(
                    json.dumps({"type": "subscribe", "topic": "queue", "filters": cfg["queues"][q]})
                )
                reply = json.loads(await asyncio.wait_for(ws.recv(), 60))
                if reply.get("type") != "subscribed":
                    raise RuntimeError(f"expected subscribed, got {reply}")
            except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
                self.failures.append(f"socket {i}: {type(exc).__name__}: {exc}"[:300])
                return
            self.connect_times.append(time.perf_counter() - t0)
            self.sockets[i] = ws
            self.queue_of[i] = q
            self.readers.append(asyncio.create_task(self.read(i, ws)))

    # ------------------------------------------------------------------ receive
    async def read(self, i: int, ws) -> None:
        from websockets.exceptions import ConnectionClosed

        loads, now = json.loads, time.time
        try:
            async for raw in ws:
                t = now()
                message = loads(raw)
                if message.get("type") == "event":
                    self.sock_idx.append(i)
                    self.event_ids.append(message["event"]["id"])
                    self.recv_at.append(t)
                else:
                    self.other_frames += 1
        except ConnectionClosed:
            pass
        if not self.stopping:
            self.closed_early += 1

    async def lag_monitor(self) -> None:
        """How late the client's own loop wakes up: the error its receive stamps can carry."""
        while not self.stopping:
            t0 = time.perf_counter()
            await asyncio.sleep(0.01)
            self.lags.append(time.perf_counter() - t0 - 0.01)

    # ------------------------------------------------------------------ main
    async def run(self, conn) -> None:
        loop = asyncio.get_running_loop()
        cfg = self.cfg
        sem = asyncio.Semaphore(cfg["concurrency"])
        t0 = time.perf_counter()
        await asyncio.gather(*(self.open_one(i, sem) for i in range(cfg["sockets"])))
        connect_wall = time.perf_counter() - t0
        conn.send(
            (
                "ready",
                {
                    "connected": len(self.sockets),
                    "failures": self.failures[:5],
                    "failed": len(self.failures),
                    "connect_wall": connect_wall,
                    "connect_times": self.connect_times,
                },
            )
        )
        monitor = asyncio.create_task(self.lag_monitor())
        while True:
            command = await loop.run_in_executor(None, conn.recv)
            if command[0] == "count":
                conn.send(("count", len(self.recv_at)))
            elif command[0] == "lag_reset":
                self.lags.clear()
                conn.send(("lag_reset", True))
            elif command[0] == "stop":
                break
        self.stopping = True
        lags = list(self.lags)
        await monitor
        close_sem = asyncio.Semaphore(cfg["concurrency"] * 4)

        async def close(ws):
            async with close_sem:
                try:
                    await asyncio.wait_for(ws.close(), 10)
                except Exception:  # noqa: BLE001 - shutting down
                    pass

        await asyncio.gather(*(close(ws) for ws in self.sockets.values()))
        for task in self.readers:
            task.cancel()
        conn.send(
            (
                "result",
                {
                    "queue_of": self.queue_of,
                    "sock_idx": self.sock_idx,
                    "event_ids": self.event_ids,
                    "recv_at": self.recv_at,
                    "other_frames": self.other_frames,
                    "closed_early": self.closed_early,
                    "lags": lags,
                },
            )
        )


def run(conn, cfg: dict) -> None:
    """Process entry point. Only 127.0.0.1 is contacted."""
    _raise_nofile(cfg["sockets"] + 1024)
    # The client is a measuring instrument: a full garbage collection over its growing list of
    # receive stamps would stall its loop and be counted as delivery latency. No collection runs
    # while it measures (it lives for one run).
    gc.disable()
    try:
        asyncio.run(Client(cfg).run(conn))
    except Exception as exc:  # noqa: BLE001 - tell the parent rather than hang it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        conn.close()
