import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { isApiError } from "@/api/client";
import { useShortcuts } from "@/shared/keyboard";
import { useLive, type LiveEvent } from "@/shared/live";
import { useSession } from "@/shared/session/SessionContext";
import { Alert, ErrorAlert, PageLoading, usePageTitle } from "@/shared/ui";
import { getTicket, keys } from "./api";
import { ApprovalPanel } from "./ApprovalPanel";
import { ChecklistPanel } from "./ChecklistPanel";
import { Conversation, type ComposerHandle } from "./Conversation";
import { FederationPanel } from "./FederationPanel";
import { History } from "./History";
import { PresenceBar } from "./PresenceBar";
import { Properties } from "./Properties";
import { SlaPanel } from "./SlaPanel";
import { TicketHeader } from "./TicketHeader";
import { usePresence } from "./presence";
import { WatchersPanel } from "./WatchersPanel";
import "./tickets.css";

/** Which sub-resources an event kind concerns (refetched besides the ticket itself). */
export function partsFor(kind: string): string[] {
  switch (kind) {
    case "commented":
      return ["comments", "events", "attachments"];
    case "attachment_added":
      return ["attachments", "events"];
    case "checklist_changed":
      return ["checklist", "events"];
    case "approval_requested":
    case "approval_decided":
    case "approval_completed":
      return ["approvals", "events", "checklist"];
    case "forwarded":
    case "federation":
      return ["federation", "forward", "events", "children"];
    case "status_changed":
      return ["events", "checklist", "approvals", "comments"];
    case "watchers_changed":
      return ["events", "watchers"];
    default:
      return ["events"];
  }
}

/** /app/tickets/:id — one ticket, everything the API says about it, live. */
export default function TicketPage() {
  const { t } = useTranslation("tickets");
  const params = useParams();
  const id = Number(params.id);
  const valid = Number.isInteger(id) && id > 0;
  const queryClient = useQueryClient();
  const { user } = useSession();
  const ticket = useQuery({ queryKey: keys.ticket(id), queryFn: () => getTicket(id), enabled: valid });
  usePageTitle(ticket.data ? `${ticket.data.key} ${ticket.data.title}` : t("page.title"));

  const [subscribed, setSubscribed] = useState(0);
  const [typing, setTyping] = useState(false);
  const [propsOpen, setPropsOpen] = useState(false);
  const composer = useRef<ComposerHandle>(null);
  const transitionsRef = useRef<HTMLDivElement>(null);

  // presence before the subscription: its "left" goes out before the unsubscribe on unmount
  const others = usePresence(id, subscribed, typing, user.id);

  const refetchAll = useCallback(() => queryClient.invalidateQueries({ queryKey: keys.ticket(id) }), [queryClient, id]);
  useLive(valid ? { topic: "ticket", id } : null, {
    onEvent: (event: LiveEvent) => {
      void queryClient.invalidateQueries({ queryKey: keys.ticket(id), exact: true });
      for (const part of partsFor(event.kind)) void queryClient.invalidateQueries({ queryKey: keys.part(id, part) });
    },
    onRefetch: () => void refetchAll(),
    onSubscribed: () => setSubscribed((n) => n + 1),
  });

  useShortcuts(
    [
      { keys: ["r"], label: "tickets:keys.reply", group: "tickets:keys.group", run: () => composer.current?.focus("public") },
      { keys: ["n"], label: "tickets:keys.note", group: "tickets:keys.group", run: () => composer.current?.focus("internal") },
      {
        keys: ["s"],
        label: "tickets:keys.status",
        group: "tickets:keys.group",
        run: () => transitionsRef.current?.querySelector<HTMLButtonElement>("button")?.focus(),
      },
    ],
    ticket.isSuccess,
  );

  useEffect(() => setPropsOpen(false), [id]);

  if (!valid) return <NotFound />;
  if (ticket.isPending) return <PageLoading />;
  if (ticket.isError) {
    if (isApiError(ticket.error) && ticket.error.status === 404) return <NotFound />;
    return (
      <div className="a-page">
        <ErrorAlert error={ticket.error} />
      </div>
    );
  }
  const data = ticket.data;
  return (
    <div className="tk-page">
      <TicketHeader ticket={data} transitionsRef={transitionsRef} />
      <PresenceBar others={others} />
      <div className="tk-layout">
        <div className="tk-main">
          <Conversation ref={composer} ticket={data} onTypingChange={setTyping} />
          <History ticket={data} />
        </div>
        <aside className="tk-side" aria-label={t("page.side")}>
          <SlaPanel ticket={data} />
          <button
            type="button"
            className="tk-side__toggle a-btn a-btn--secondary"
            aria-expanded={propsOpen}
            aria-controls="tk-properties"
            onClick={() => setPropsOpen((open) => !open)}
          >
            {propsOpen ? t("properties.hide") : t("properties.show")}
          </button>
          <div id="tk-properties" className={propsOpen ? "tk-side__body tk-side__body--open" : "tk-side__body"}>
            <Properties ticket={data} />
          </div>
          <ChecklistPanel ticketId={id} />
          <ApprovalPanel ticketId={id} />
          <FederationPanel ticketId={id} />
          <WatchersPanel ticket={data} />
        </aside>
      </div>
    </div>
  );
}

function NotFound() {
  const { t } = useTranslation("tickets");
  return (
    <div className="a-page">
      <Alert tone="warning" title={t("page.notFound")}>
        <Link to="/queues">{t("page.backToQueues")}</Link>
      </Alert>
    </div>
  );
}
