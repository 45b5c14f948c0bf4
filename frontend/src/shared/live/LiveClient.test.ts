import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveClient } from "./LiveClient";
import type { LiveEvent } from "./protocol";

/** A WebSocket double: the test plays the server. */
class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  closedWith: number | undefined;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code = 1000) {
    this.closedWith = code;
    this.readyState = 3;
  }

  // ---- the server's side
  open(lastEventId = 100) {
    this.readyState = 1;
    this.receive({ type: "hello", account: "zelenopark", user: { id: 1, name: "Dana", role: "dispatcher" }, last_event_id: lastEventId });
  }

  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }

  types() {
    return this.sent.map((m) => m.type);
  }
}

const latest = () => FakeSocket.instances[FakeSocket.instances.length - 1]!;

function event(id: number, ticketId = 42): LiveEvent {
  return {
    id,
    kind: "status_changed",
    public: true,
    actor: "Egor",
    at: "2026-11-23T18:01:02Z",
    ticket: { id: ticketId, key: `LEAK-${ticketId}`, type: "leak", status: "in_progress", category: "open", priority: 3, group: 3, assignee: 7, requester: 12, company: 5 },
    data: {},
  };
}

function makeClient() {
  return new LiveClient({
    url: "ws://zelenopark.atrium.localhost/ws/",
    WebSocket: FakeSocket as unknown as new (url: string) => WebSocket,
    initialDelay: 1000,
    maxDelay: 8000,
    backoffFactor: 2,
    jitter: 0,
    pingInterval: 25_000,
    pongTimeout: 5_000,
  });
}

describe("LiveClient", () => {
  beforeEach(() => {
    FakeSocket.instances = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("connects on first subscribe and subscribes after hello", () => {
    const client = makeClient();
    client.subscribe({ topic: "queue", filters: { group: "mine", is_open: true } });
    expect(FakeSocket.instances).toHaveLength(1);
    expect(latest().url).toBe("ws://zelenopark.atrium.localhost/ws/");
    expect(latest().sent).toEqual([]); // nothing before hello
    latest().open();
    expect(client.status).toBe("open");
    expect(latest().sent).toEqual([{ type: "subscribe", topic: "queue", filters: { group: "mine", is_open: true } }]);
  });

  it("delivers events to the subscriptions the server names", () => {
    const client = makeClient();
    const queue = vi.fn();
    const ticket = vi.fn();
    client.subscribe({ topic: "queue", filters: {} }, { onEvent: queue });
    client.subscribe({ topic: "ticket", id: 42 }, { onEvent: ticket });
    const socket = latest();
    socket.open();
    socket.receive({ type: "subscribed", sub: "s1", topic: "queue", filters: {} });
    socket.receive({ type: "subscribed", sub: "s2", topic: "ticket", id: 42 });
    socket.receive({ type: "event", subs: ["s2"], event: event(101) });
    socket.receive({ type: "event", subs: ["s1", "s2"], event: event(102) });
    expect(queue.mock.calls.map(([e]) => e.id)).toEqual([102]);
    expect(ticket.mock.calls.map(([e]) => e.id)).toEqual([101, 102]);
    expect(client.lastEventId).toBe(102);
  });

  it("reports a refused subscription", () => {
    const client = makeClient();
    const onRejected = vi.fn();
    client.subscribe({ topic: "ticket", id: 9 }, { onRejected });
    latest().open();
    latest().receive({ type: "error", code: "not_found", detail: "No such ticket.", topic: "ticket" });
    expect(onRejected).toHaveBeenCalledWith("not_found", "No such ticket.");
  });

  it("reconnects with exponential backoff, resubscribes and resumes from the last event", () => {
    const client = makeClient();
    const onEvent = vi.fn();
    const onRefetch = vi.fn();
    client.subscribe({ topic: "mine" }, { onEvent, onRefetch });
    const first = latest();
    first.open(100);
    first.receive({ type: "subscribed", sub: "s1", topic: "mine" });
    first.receive({ type: "event", subs: ["s1"], event: event(105) });

    first.drop();
    expect(client.status).toBe("reconnecting");
    vi.advanceTimersByTime(999);
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(2); // after 1 s

    latest().drop(); // the server is still down
    vi.advanceTimersByTime(1999);
    expect(FakeSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(3); // after 2 s more

    latest().drop();
    vi.advanceTimersByTime(4000);
    expect(FakeSocket.instances).toHaveLength(4); // after 4 s more

    const back = latest();
    back.open(120);
    expect(back.sent).toEqual([
      { type: "subscribe", topic: "mine" },
      { type: "resume", since: 105 },
    ]);
    back.receive({ type: "subscribed", sub: "s1", topic: "mine" });
    back.receive({ type: "event", subs: ["s1"], event: event(110) });
    back.receive({ type: "resumed", since: 105, replayed: 1, last_event_id: 120 });
    expect(onEvent.mock.calls.map(([e]) => e.id)).toEqual([105, 110]);
    expect(onRefetch).not.toHaveBeenCalled();
    expect(client.lastEventId).toBe(120);

    // the backoff starts over once a connection succeeded
    back.drop();
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.instances).toHaveLength(5);
  });

  it("caps the backoff", () => {
    const client = makeClient();
    expect([0, 1, 2, 3, 4, 10].map((n) => client.backoffDelay(n))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it("resumes from hello's last_event_id when no event arrived before the drop", () => {
    const client = makeClient();
    client.subscribe({ topic: "mine" });
    latest().open(300);
    latest().drop();
    vi.advanceTimersByTime(1000);
    latest().open(310);
    expect(latest().sent).toContainEqual({ type: "resume", since: 300 });
  });

  it("asks subscribers to refetch when the server says too much was missed", () => {
    const client = makeClient();
    const onRefetch = vi.fn();
    client.subscribe({ topic: "queue", filters: {} }, { onRefetch });
    latest().open();
    latest().receive({ type: "refetch", reason: "too_many_missed", limit: 500 });
    expect(onRefetch).toHaveBeenCalledWith("too_many_missed");
  });

  it("unsubscribes with the server's id, and does not resubscribe it", () => {
    const client = makeClient();
    const onEvent = vi.fn();
    const off = client.subscribe({ topic: "ticket", id: 42 }, { onEvent });
    client.subscribe({ topic: "mine" });
    const socket = latest();
    socket.open();
    socket.receive({ type: "subscribed", sub: "s1", topic: "ticket", id: 42 });
    socket.receive({ type: "subscribed", sub: "s2", topic: "mine" });
    off();
    expect(socket.sent.at(-1)).toEqual({ type: "unsubscribe", sub: "s1" });
    socket.receive({ type: "event", subs: ["s1"], event: event(101) });
    expect(onEvent).not.toHaveBeenCalled();

    socket.drop();
    vi.advanceTimersByTime(1000);
    latest().open();
    expect(latest().sent.filter((m) => m.type === "subscribe")).toEqual([{ type: "subscribe", topic: "mine" }]);
  });

  it("unsubscribes a subscription cancelled before the server answered", () => {
    const client = makeClient();
    const off = client.subscribe({ topic: "ticket", id: 42 });
    latest().open();
    off();
    latest().receive({ type: "subscribed", sub: "s1", topic: "ticket", id: 42 });
    expect(latest().sent.at(-1)).toEqual({ type: "unsubscribe", sub: "s1" });
  });

  it("tells a subscription the server ended it (access changed)", () => {
    const client = makeClient();
    const onEnded = vi.fn();
    client.subscribe({ topic: "ticket", id: 42 }, { onEnded });
    latest().open();
    latest().receive({ type: "subscribed", sub: "s1", topic: "ticket", id: 42 });
    latest().receive({ type: "unsubscribed", sub: "s1", reason: "access_changed" });
    expect(onEnded).toHaveBeenCalledWith("access_changed");
    latest().drop();
    vi.advanceTimersByTime(1000);
    latest().open();
    expect(latest().types()).not.toContain("subscribe");
  });

  it("stops for good on 4401 and 4403", () => {
    for (const [code, status] of [
      [4401, "unauthenticated"],
      [4403, "denied"],
    ] as const) {
      FakeSocket.instances = [];
      const client = makeClient();
      const statuses: string[] = [];
      client.onStatus((s) => statuses.push(s));
      client.subscribe({ topic: "mine" });
      latest().open();
      latest().drop(code);
      vi.advanceTimersByTime(60_000);
      expect(FakeSocket.instances).toHaveLength(1);
      expect(client.status).toBe(status);
      expect(statuses).toEqual(["connecting", "open", status]);
    }
  });

  it("pings, and treats a silent connection as dead", () => {
    const client = makeClient();
    client.subscribe({ topic: "mine" });
    const socket = latest();
    socket.open();
    vi.advanceTimersByTime(25_000);
    expect(socket.sent.at(-1)).toEqual({ type: "ping" });
    socket.receive({ type: "pong" });
    vi.advanceTimersByTime(25_000);
    expect(socket.sent.at(-1)).toEqual({ type: "ping" });
    vi.advanceTimersByTime(5_000); // no pong
    expect(socket.closedWith).toBeDefined();
    expect(client.status).toBe("reconnecting");
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it("stop() closes and never reconnects", () => {
    const client = makeClient();
    client.subscribe({ topic: "mine" });
    latest().open();
    client.stop();
    expect(latest().closedWith).toBe(1000);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(client.status).toBe("stopped");
  });
});

describe("LiveClient messages of a feature's own (presence)", () => {
  beforeEach(() => {
    FakeSocket.instances = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("tells a subscription when the server accepted it, and again after a reconnect", () => {
    const client = makeClient();
    const onSubscribed = vi.fn();
    client.subscribe({ topic: "ticket", id: 42 }, { onSubscribed });
    latest().open();
    expect(onSubscribed).not.toHaveBeenCalled();
    latest().receive({ type: "subscribed", sub: "s1", topic: "ticket", id: 42 });
    expect(onSubscribed).toHaveBeenCalledTimes(1);
    latest().drop();
    vi.advanceTimersByTime(1000);
    latest().open();
    latest().receive({ type: "subscribed", sub: "s1", topic: "ticket", id: 42 });
    expect(onSubscribed).toHaveBeenCalledTimes(2);
  });

  it("posts a message with a ref only while connected, and hands presence to listeners", () => {
    const client = makeClient();
    const heard = vi.fn();
    client.onMessage(heard);
    client.subscribe({ topic: "ticket", id: 42 });
    expect(client.post({ type: "presence", ticket: 42, state: "viewing" })).toBe(false);
    latest().open();
    expect(client.post({ type: "presence", ticket: 42, state: "viewing" })).toBe(true);
    expect(latest().sent.at(-1)).toEqual({ type: "presence", ticket: 42, state: "viewing", ref: "m1" });
    const presence = { type: "presence", ticket: 42, state: "typing", person: { id: 3, name: "Anna" }, socket: "x1" };
    latest().receive(presence);
    expect(heard).toHaveBeenLastCalledWith(presence);
  });

  it("never takes an error answering a posted message for a subscription's refusal", () => {
    const client = makeClient();
    const onRejected = vi.fn();
    const onEvent = vi.fn();
    client.subscribe({ topic: "ticket", id: 42 }, { onRejected, onEvent });
    latest().open();
    client.post({ type: "presence", ticket: 42, state: "viewing" });
    latest().receive({ type: "error", code: "not_found", detail: "Subscribe to the ticket first.", topic: "ticket", ref: "m1" });
    expect(onRejected).not.toHaveBeenCalled();
    latest().receive({ type: "subscribed", sub: "s1", topic: "ticket", id: 42 });
    latest().receive({ type: "event", subs: ["s1"], event: event(101) });
    expect(onEvent).toHaveBeenCalledTimes(1);
  });
});
