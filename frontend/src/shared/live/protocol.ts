/** Messages of the one websocket (docs/live.md). */

export type Filters = Partial<Record<"type" | "status" | "category" | "priority" | "group" | "assignee" | "requester" | "company" | "is_open", unknown>>;

export type Topic =
  | { topic: "ticket"; id: number }
  | { topic: "mine" }
  | { topic: "queue"; filters: Filters }
  | { topic: "view"; id: number };

export interface LiveTicketState {
  id: number;
  key: string;
  type: string;
  status: string;
  category: string;
  priority: number | null;
  group: number | null;
  assignee: number | null;
  requester: number | null;
  company: number | null;
}

export type LiveEventKind =
  | "created"
  | "routed"
  | "changed"
  | "status_changed"
  | "assigned"
  | "commented"
  | "attachment_added"
  | "watchers_changed";

export interface LiveEvent {
  id: number;
  kind: LiveEventKind | (string & {});
  public: boolean;
  actor: string;
  at: string;
  ticket: LiveTicketState;
  data: Record<string, unknown>;
}

export type ClientMessage =
  | ({ type: "subscribe" } & Topic)
  | { type: "unsubscribe"; sub: string }
  | { type: "resume"; since: number }
  | { type: "ping" }
  | { type: "presence"; ticket: number; state: PresenceState; ref?: string };

/** Presence on a ticket (docs/live.md "Presence"): agents only, nothing stored. */
export type PresenceState = "viewing" | "typing" | "left";

export interface PresenceMessage {
  type: "presence";
  ticket: number;
  state: PresenceState;
  person: { id: number; name: string };
  socket: string;
}

export type ServerMessage =
  | { type: "hello"; account: string; user: { id: number; name: string; role: string }; last_event_id: number }
  | { type: "subscribed"; sub: string; topic: string; filters?: Filters; id?: number; ref?: string }
  | { type: "event"; subs: string[]; event: LiveEvent }
  | { type: "resumed"; since: number; replayed: number; last_event_id: number }
  | { type: "refetch"; reason: string; limit: number }
  | { type: "unsubscribed"; sub: string; reason?: string }
  | { type: "error"; code: string; detail?: string; topic?: string; fields?: string[]; ref?: string }
  | { type: "pong" }
  | PresenceMessage;

/** Close codes the server uses (docs/live.md): no point reconnecting. */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_ACCESS_LOST = 4403;

/** Error codes that answer a `subscribe` (the server answers each message in order). */
export const SUBSCRIBE_ERRORS = new Set(["not_found", "unknown_topic", "unsupported_filter", "bad_message"]);
