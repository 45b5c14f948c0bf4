/**
 * /portal/announcements: the mall's announcements for this person, those still waiting for their
 * confirmation first; opening one shows its text, and "I have read it" confirms it
 * (POST /announcements/{id}/confirm/) when the announcement asks for that.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { Button, ErrorAlert, PageLoading, usePageTitle } from "@/shared/ui";
import { type Announcement, confirmAnnouncement, getAnnouncement, keys, listAnnouncements } from "../api";

export function unreadFirst(list: Announcement[]): Announcement[] {
  const waiting = (a: Announcement) => (a.requires_confirmation && !a.my_confirmation?.confirmed ? 0 : 1);
  return [...list].sort((a, b) => waiting(a) - waiting(b) || (b.published_at ?? b.created_at).localeCompare(a.published_at ?? a.created_at));
}

export default function AnnouncementsPage() {
  const { t } = useTranslation("portal");
  usePageTitle(t("announcements.title"));
  const list = useQuery({ queryKey: keys.announcements, queryFn: listAnnouncements });
  const [open, setOpen] = useState<number | null>(null);
  const rows = unreadFirst(list.data?.results ?? []);
  return (
    <div className="portal-page">
      <h1>{t("announcements.title")}</h1>
      {list.isLoading ? (
        <PageLoading />
      ) : list.error ? (
        <ErrorAlert error={list.error} />
      ) : rows.length === 0 ? (
        <div className="a-card a-empty">{t("announcements.empty")}</div>
      ) : (
        <ul className="portal-list">
          {rows.map((a) => (
            <li key={a.id}>
              <AnnouncementItem announcement={a} open={open === a.id} onToggle={() => setOpen(open === a.id ? null : a.id)} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function AnnouncementItem({ announcement: a, open, onToggle }: { announcement: Announcement; open: boolean; onToggle: () => void }) {
  const { t } = useTranslation("portal");
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const detail = useQuery({ queryKey: ["portal", "announcement", a.id], queryFn: () => getAnnouncement(a.id), enabled: open });
  const confirm = useMutation({
    mutationFn: () => confirmAnnouncement(a.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.announcements });
      void queryClient.invalidateQueries({ queryKey: ["portal", "announcement", a.id] });
    },
  });
  const waiting = a.requires_confirmation && !a.my_confirmation?.confirmed;
  const panel = `ann-${a.id}`;
  return (
    <article className={`a-card portal-announcement${waiting ? " portal-announcement--unread" : ""}`}>
      <h2 className="portal-announcement__title">
        <button type="button" className="portal-announcement__toggle" aria-expanded={open} aria-controls={panel} onClick={onToggle}>
          <span>{a.title}</span>
          {waiting && <span className="portal-badge">{t("announcements.needsConfirmation")}</span>}
        </button>
      </h2>
      <p className="portal-row__meta">{fmt.dateTime(a.published_at ?? a.created_at)}</p>
      <div id={panel} hidden={!open}>
        {open &&
          (detail.isLoading ? (
            <PageLoading />
          ) : detail.error ? (
            <ErrorAlert error={detail.error} />
          ) : (
            <div className="portal-prewrap">{detail.data?.body}</div>
          ))}
        {open && a.my_confirmation?.confirmed && a.my_confirmation.confirmed_at && (
          <p className="portal-muted">{t("announcements.confirmedAt", { at: fmt.dateTime(a.my_confirmation.confirmed_at) })}</p>
        )}
        {open && waiting && (
          <>
            <ErrorAlert error={confirm.error} />
            <Button variant="primary" busy={confirm.isPending} onClick={() => confirm.mutate()}>
              {t("announcements.confirm")}
            </Button>
          </>
        )}
      </div>
    </article>
  );
}
