/**
 * One websocket per tab to ws(s)://<this host>/ws/ (docs/live.md), shared by every screen.
 *
 *   const off = live.subscribe({ topic: "queue", filters: { group: "mine" } }, {
 *     onEvent: (event) => ...,          // one change that concerns this subscription
 *     onRefetch: () => ...,             // missed too much (or could not resume): reload over REST
 *     onRejected: (code, detail) => ...,// the server refused the subscription (not_found...)
 *     onEnded: (reason) => ...,         // the server dropped it (access_changed)
 *   });
 *   off();                              // unsubscribe
 *
 * Reconnects with exponential backoff (with jitter, reset once the server says hello), then
 * subscribes again and asks to `resume` from the highest event id received, so nothing is lost
 * or delivered twice. A heartbeat ping notices dead connections. Close codes 4401 (signed out)
 * and 4403 (access lost) stop it: the status says why.
 */
import {
  CLOSE_ACCESS_LOST,
  CLOSE_UNAUTHENTICATED,
  type ClientMessage,
  type LiveEvent,
  type ServerMessage,
  SUBSCRIBE_ERRORS,
  type Topic,
} from "./protocol";

export type LiveStatus = "idle" | "connecting" | "open" | "reconnecting" | "unauthenticated" | "denied" | "stopped";

export interface SubscriptionHandlers {
  onEvent?: (event: LiveEvent) => void;
  onRefetch?: (reason: string) => void;
  onRejected?: (code: string, detail: string | undefined) => void;
  onEnded?: (reason: string | undefined) => void;
  /** The server accepted the subscription (again after each reconnect). */
  onSubscribed?: () => void;
}

export interface LiveClientOptions {
  url?: string | (() => string);
  WebSocket?: new (url: string) => WebSocket;
  /** First retry delay (ms), multiplied by `backoffFactor` per failed attempt, capped at `maxDelay`. */
  initialDelay?: number;
  maxDelay?: number;
  backoffFactor?: number;
  /** 0..1: how much of each delay is random (spreads reconnect storms). */
  jitter?: number;
  random?: () => number;
  pingInterval?: number;
  pongTimeout?: number;
}

interface LocalSubscription {
  topic: Topic;
  handlers: SubscriptionHandlers;
  serverId: string | undefined;
  cancelled: boolean;
}

export function defaultLiveUrl(): string {
  const { protocol, host } = globalThis.location;
  return `${protocol === "https:" ? "wss" : "ws"}://${host}/ws/`;
}

export class LiveClient {
  private readonly options: Required<Omit<LiveClientOptions, "url" | "WebSocket">> & Pick<LiveClientOptions, "url" | "WebSocket">;
  private socket: WebSocket | undefined;
  private subscriptions = new Set<LocalSubscription>();
  /** Subscriptions sent on the current socket and not answered yet, in order. */
  private pending: LocalSubscription[] = [];
  private byServerId = new Map<string, LocalSubscription>();
  private statusListeners = new Set<(status: LiveStatus) => void>();
  private messageListeners = new Set<(message: ServerMessage) => void>();
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private ready = false;
  private everConnected = false;
  private _status: LiveStatus = "idle";
  private _lastEventId: number | undefined;
  private refCounter = 0;

  constructor(options: LiveClientOptions = {}) {
    this.options = {
      initialDelay: 1000,
      maxDelay: 30_000,
      backoffFactor: 2,
      jitter: 0.3,
      random: Math.random,
      pingInterval: 25_000,
      pongTimeout: 10_000,
      ...options,
    };
  }

  get status(): LiveStatus {
    return this._status;
  }

  /** The highest event id received (what a reconnect resumes from). */
  get lastEventId(): number | undefined {
    return this._lastEventId;
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Every server message (e.g. `presence`), for features that need more than events. */
  onMessage(listener: (message: ServerMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  subscribe(topic: Topic, handlers: SubscriptionHandlers = {}): () => void {
    const sub: LocalSubscription = { topic, handlers, serverId: undefined, cancelled: false };
    this.subscriptions.add(sub);
    if (this.ready) this.sendSubscribe(sub);
    else this.start();
    return () => this.unsubscribe(sub);
  }

  /**
   * Send one message of a feature's own (e.g. `presence`) on the open socket; false when there is
   * none (nothing is queued). Messages sent here carry a `ref`, so an error answering them is never
   * mistaken for the answer to a subscription (those are sent without one).
   */
  post(message: Exclude<ClientMessage, { type: "subscribe" | "unsubscribe" | "resume" }>): boolean {
    if (!this.ready) return false;
    this.send({ ref: `m${++this.refCounter}`, ...message } as ClientMessage);
    return true;
  }

  /** Open the socket (subscribe() does it on first use). */
  start(): void {
    if (this.socket || this.retryTimer || this._status === "unauthenticated" || this._status === "denied") return;
    this.connect();
  }

  /** Close for good (sign-out, tests). */
  stop(): void {
    this.clearTimers();
    this.setStatus("stopped");
    const socket = this.socket;
    this.detach();
    socket?.close(1000);
  }

  /** Reconnect now instead of waiting for the backoff (e.g. the browser came back online). */
  reconnectNow(): void {
    if (this._status !== "reconnecting") return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.connect();
  }

  /** Allow connecting again after 4401/4403 (e.g. after signing in again). */
  reset(): void {
    this.stop();
    this._status = "idle";
    this.attempt = 0;
    if (this.subscriptions.size) this.start();
  }

  // ------------------------------------------------------------------ internals
  private connect(): void {
    this.retryTimer = undefined;
    const url = typeof this.options.url === "function" ? this.options.url() : (this.options.url ?? defaultLiveUrl());
    const Ctor = this.options.WebSocket ?? globalThis.WebSocket;
    this.setStatus(this.everConnected || this.attempt > 0 ? "reconnecting" : "connecting");
    let socket: WebSocket;
    try {
      socket = new Ctor(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (message) => this.handleFrame(message.data);
    socket.onclose = (event) => this.handleClose(socket, event.code);
    socket.onerror = () => {
      /* a close follows */
    };
  }

  private handleClose(socket: WebSocket, code: number): void {
    if (socket !== this.socket) return;
    this.detach();
    if (this._status === "stopped") return;
    if (code === CLOSE_UNAUTHENTICATED) return this.setStatus("unauthenticated");
    if (code === CLOSE_ACCESS_LOST) return this.setStatus("denied");
    this.scheduleReconnect();
  }

  private detach(): void {
    if (this.socket) {
      this.socket.onmessage = null;
      this.socket.onclose = null;
      this.socket.onerror = null;
    }
    this.socket = undefined;
    this.ready = false;
    this.pending = [];
    this.byServerId.clear();
    for (const sub of this.subscriptions) sub.serverId = undefined;
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.pingTimer = undefined;
    this.pongTimer = undefined;
  }

  private clearTimers(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** The delay before reconnect attempt number `attempt` (0-based). */
  backoffDelay(attempt: number): number {
    const { initialDelay, backoffFactor, maxDelay, jitter, random } = this.options;
    const base = Math.min(maxDelay, initialDelay * backoffFactor ** attempt);
    return Math.round(base * (1 - jitter + jitter * random()));
  }

  private scheduleReconnect(): void {
    this.setStatus("reconnecting");
    const delay = this.backoffDelay(this.attempt);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private send(message: ClientMessage): void {
    if (this.socket && this.socket.readyState === 1) this.socket.send(JSON.stringify(message));
  }

  private sendSubscribe(sub: LocalSubscription): void {
    this.pending.push(sub);
    this.send({ type: "subscribe", ...sub.topic } as ClientMessage);
  }

  private unsubscribe(sub: LocalSubscription): void {
    if (!this.subscriptions.delete(sub)) return;
    sub.cancelled = true;
    if (sub.serverId) {
      this.byServerId.delete(sub.serverId);
      this.send({ type: "unsubscribe", sub: sub.serverId });
    }
    // still pending: unsubscribed when the server's answer arrives
  }

  private handleFrame(data: unknown): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(String(data)) as ServerMessage;
    } catch {
      return;
    }
    this.heard();
    switch (message.type) {
      case "hello":
        return this.handleHello(message);
      case "subscribed": {
        const sub = this.pending.shift();
        if (sub) {
          if (sub.cancelled) this.send({ type: "unsubscribe", sub: message.sub });
          else {
            sub.serverId = message.sub;
            this.byServerId.set(message.sub, sub);
            sub.handlers.onSubscribed?.();
          }
        }
        break;
      }
      case "error":
        // an error carrying a ref answers a post(), never a subscribe (sent without one)
        if (SUBSCRIBE_ERRORS.has(message.code) && message.ref === undefined && this.pending.length) {
          const sub = this.pending.shift()!;
          this.subscriptions.delete(sub);
          if (!sub.cancelled) sub.handlers.onRejected?.(message.code, message.detail);
        }
        break;
      case "event": {
        const { event } = message;
        if (this._lastEventId === undefined || event.id > this._lastEventId) this._lastEventId = event.id;
        const seen = new Set<LocalSubscription>();
        for (const id of message.subs) {
          const sub = this.byServerId.get(id);
          if (sub && !seen.has(sub)) {
            seen.add(sub);
            sub.handlers.onEvent?.(event);
          }
        }
        break;
      }
      case "resumed":
        if (this._lastEventId === undefined || message.last_event_id > this._lastEventId) this._lastEventId = message.last_event_id;
        break;
      case "refetch":
        for (const sub of this.subscriptions) sub.handlers.onRefetch?.(message.reason);
        break;
      case "unsubscribed": {
        const sub = this.byServerId.get(message.sub);
        this.byServerId.delete(message.sub);
        if (sub && message.reason) {
          this.subscriptions.delete(sub);
          sub.handlers.onEnded?.(message.reason);
        }
        break;
      }
      default:
        break;
    }
    for (const listener of this.messageListeners) listener(message);
  }

  private handleHello(message: Extract<ServerMessage, { type: "hello" }>): void {
    const reconnected = this.everConnected;
    const since = this._lastEventId;
    this.everConnected = true;
    this.ready = true;
    this.attempt = 0;
    this.setStatus("open");
    this.startHeartbeat();
    for (const sub of this.subscriptions) this.sendSubscribe(sub);
    if (reconnected && since !== undefined) {
      this.send({ type: "resume", since });
    } else {
      if (since === undefined) this._lastEventId = message.last_event_id;
      if (reconnected) for (const sub of this.subscriptions) sub.handlers.onRefetch?.("reconnected");
    }
  }

  private startHeartbeat(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      this.send({ type: "ping" });
      if (!this.pongTimer) {
        this.pongTimer = setTimeout(() => {
          // nothing heard since the ping: the connection is dead even if the socket says open
          const socket = this.socket;
          if (!socket) return;
          this.handleClose(socket, 1006);
          socket.close();
        }, this.options.pongTimeout);
      }
    }, this.options.pingInterval);
  }

  private heard(): void {
    clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  private setStatus(status: LiveStatus): void {
    if (status === this._status) return;
    this._status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}
