import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { Button, ErrorAlert, Spinner } from "@/shared/ui";
import type { AppNotification } from "./api";
import { useNotifications } from "./useNotifications";
import "./notifications.css";

function BellIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15L6 16zM10 20a2 2 0 0 0 4 0" />
    </svg>
  );
}

/** A notification's link, kept inside this host (the API gives absolute links for mails). */
export function localHref(link: string): string | undefined {
  if (!link) return undefined;
  try {
    const url = new URL(link, window.location.origin);
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return undefined;
  }
}

/**
 * The bell in a shell's top bar: the unread count on the button, a panel with the newest
 * notifications (unread ones marked), mark one or all read. Opening a notification's link marks
 * it read. Live: a pushed notification shows at once (useNotifications).
 */
export function NotificationBell({ className }: { className?: string }) {
  const { t } = useTranslation("notifications");
  const { query, markRead, markAllRead } = useNotifications();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const unread = query.data?.unread_count ?? 0;

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onPointer = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open]);

  return (
    <div className={["a-notif", className].filter(Boolean).join(" ")} ref={root}>
      <button
        ref={button}
        type="button"
        className="a-notif__button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={unread ? t("openUnread", { count: unread }) : t("open")}
        onClick={() => setOpen((v) => !v)}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="a-notif__badge" aria-hidden="true">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <section id={panelId} className="a-notif__panel" aria-label={t("title")}>
          <header className="a-notif__head">
            <h2 className="a-notif__title">{t("title")}</h2>
            {unread > 0 && (
              <Button size="sm" variant="ghost" onClick={() => markAllRead()}>
                {t("markAllRead")}
              </Button>
            )}
          </header>
          <NotificationList
            items={query.data?.results}
            pending={query.isPending}
            error={query.error}
            onRead={(id) => markRead(id)}
          />
        </section>
      )}
    </div>
  );
}

export function NotificationList({
  items,
  pending,
  error,
  onRead,
}: {
  items: AppNotification[] | undefined;
  pending: boolean;
  error: unknown;
  onRead: (id: number) => void;
}) {
  const { t } = useTranslation("notifications");
  const format = useDateFormat();
  if (pending) return <Spinner />;
  if (error) return <ErrorAlert error={error} title={t("loadFailed")} />;
  if (!items?.length) return <p className="a-notif__empty">{t("empty")}</p>;
  return (
    <ul className="a-notif__list">
      {items.map((n) => {
        const href = localHref(n.link);
        const unread = !n.read_at;
        return (
          <li key={n.id} className={["a-notif__item", unread && "a-notif__item--unread"].filter(Boolean).join(" ")}>
            <div className="a-notif__text">
              {href ? (
                <a className="a-notif__link" href={href} onClick={() => unread && onRead(n.id)}>
                  {n.title}
                </a>
              ) : (
                <span className="a-notif__link">{n.title}</span>
              )}
              {unread && <span className="a-visually-hidden">{t("unread")}</span>}
              <time className="a-notif__time" dateTime={n.created_at}>
                {format.short(n.created_at)}
              </time>
            </div>
            {unread && (
              <Button size="sm" variant="secondary" onClick={() => onRead(n.id)} aria-label={`${t("markRead")}: ${n.title}`}>
                {t("markRead")}
              </Button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
