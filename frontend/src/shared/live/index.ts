/**
 * Live updates for React. One LiveClient (one websocket) per tab, created on first use.
 *
 *   useLive({ topic: "ticket", id }, { onEvent: (e) => queryClient.invalidateQueries(...) });
 *   useLive(open ? { topic: "queue", filters } : null, handlers);   // null: not subscribed
 *   const status = useLiveStatus();                                   // "open", "reconnecting"...
 *
 * The subscription is renewed when the topic's JSON changes; handlers may change every render.
 */
import { useEffect, useRef, useSyncExternalStore } from "react";
import { LiveClient, type LiveStatus, type SubscriptionHandlers } from "./LiveClient";
import type { Topic } from "./protocol";

export { LiveClient, type LiveStatus, type SubscriptionHandlers } from "./LiveClient";
export type { LiveEvent, LiveTicketState, Topic, Filters, PresenceMessage, PresenceState } from "./protocol";

let shared: LiveClient | undefined;

export function getLiveClient(): LiveClient {
  if (!shared) {
    shared = new LiveClient();
    if (typeof window !== "undefined") window.addEventListener("online", () => shared?.reconnectNow());
  }
  return shared;
}

/** For tests and sign-out: drop the tab's client (closing its socket). */
export function resetLiveClient(client?: LiveClient): void {
  shared?.stop();
  shared = client;
}

export function useLive(topic: Topic | null, handlers: SubscriptionHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  const key = topic ? JSON.stringify(topic) : null;
  useEffect(() => {
    if (!key) return;
    return getLiveClient().subscribe(JSON.parse(key) as Topic, {
      onEvent: (event) => ref.current.onEvent?.(event),
      onRefetch: (reason) => ref.current.onRefetch?.(reason),
      onRejected: (code, detail) => ref.current.onRejected?.(code, detail),
      onEnded: (reason) => ref.current.onEnded?.(reason),
      onSubscribed: () => ref.current.onSubscribed?.(),
    });
  }, [key]);
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (notify) => getLiveClient().onStatus(notify),
    () => getLiveClient().status,
    () => "idle",
  );
}
