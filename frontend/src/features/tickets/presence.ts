/**
 * Presence on a ticket (docs/live.md "Presence"): while the page is open this tab says `viewing`
 * every 15 s (`typing` while a reply is being written), `left` when it closes; the other agents'
 * sockets are listed, and one not heard from for 40 s is forgotten.
 */
import { useEffect, useRef, useState } from "react";
import { getLiveClient, type PresenceMessage, type PresenceState } from "@/shared/live";

export const PRESENCE_REPEAT_MS = 15_000;
export const PRESENCE_FORGET_MS = 40_000;

export interface PresentPerson {
  id: number;
  name: string;
  typing: boolean;
}

interface Heard {
  person: { id: number; name: string };
  state: PresenceState;
  at: number;
}

/** Others on this ticket, one entry per person (typing wins over viewing across their sockets). */
export function summarize(sockets: Map<string, Heard>, selfId: number | undefined, now: number): PresentPerson[] {
  const people = new Map<number, PresentPerson>();
  for (const heard of sockets.values()) {
    if (heard.person.id === selfId || heard.state === "left" || now - heard.at > PRESENCE_FORGET_MS) continue;
    const known = people.get(heard.person.id);
    const typing = heard.state === "typing";
    if (known) known.typing ||= typing;
    else people.set(heard.person.id, { id: heard.person.id, name: heard.person.name, typing });
  }
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * @param subscribed  increases each time the server accepts this tab's ticket subscription
 *                    (presence needs it first; a reconnect subscribes again)
 */
export function usePresence(ticketId: number, subscribed: number, typing: boolean, selfId: number | undefined): PresentPerson[] {
  const [others, setOthers] = useState<PresentPerson[]>([]);
  const sockets = useRef(new Map<string, Heard>());
  const typingRef = useRef(typing);
  typingRef.current = typing;
  const subscribedRef = useRef(subscribed);
  subscribedRef.current = subscribed;

  // listen to the other agents; a socket heard for the first time is greeted at once (it opened
  // the ticket after this tab said `viewing`, and would otherwise wait up to 15 s to learn of it)
  useEffect(() => {
    sockets.current = new Map();
    setOthers([]);
    let greet: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => setOthers(summarize(sockets.current, selfId, Date.now()));
    const off = getLiveClient().onMessage((message) => {
      if (message.type !== "presence") return;
      const presence = message as PresenceMessage;
      if (presence.ticket !== ticketId) return;
      const known = sockets.current.has(presence.socket);
      if (presence.state === "left") sockets.current.delete(presence.socket);
      else sockets.current.set(presence.socket, { person: presence.person, state: presence.state, at: Date.now() });
      if (!known && presence.state !== "left" && subscribedRef.current && greet === undefined) {
        greet = setTimeout(() => {
          greet = undefined;
          getLiveClient().post({ type: "presence", ticket: ticketId, state: typingRef.current ? "typing" : "viewing" });
        }, 300);
      }
      refresh();
    });
    const sweep = setInterval(() => {
      const now = Date.now();
      for (const [socket, heard] of sockets.current) if (now - heard.at > PRESENCE_FORGET_MS) sockets.current.delete(socket);
      refresh();
    }, 5_000);
    return () => {
      off();
      clearInterval(sweep);
      clearTimeout(greet);
    };
  }, [ticketId, selfId]);

  // say viewing/typing: now, every 15 s, and whenever typing starts or stops
  useEffect(() => {
    if (!subscribed) return;
    const say = () => getLiveClient().post({ type: "presence", ticket: ticketId, state: typingRef.current ? "typing" : "viewing" });
    say();
    const timer = setInterval(say, PRESENCE_REPEAT_MS);
    return () => clearInterval(timer);
  }, [ticketId, subscribed, typing]);

  // say left when the page closes (or moves to another ticket)
  useEffect(() => {
    return () => {
      getLiveClient().post({ type: "presence", ticket: ticketId, state: "left" });
    };
  }, [ticketId]);

  return others;
}
