import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { getLiveClient } from "@/shared/live";
import { type AppNotification, getNotifications, markAllRead, markRead, type NotificationPage, notificationsKey } from "./api";

/**
 * The signed-in person's notifications: the list over REST, refreshed when the socket pushes a
 * `{"type": "notification"}` (docs/live.md) and when it reconnects (a push missed while offline).
 */
export function useNotifications() {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: notificationsKey, queryFn: getNotifications, staleTime: 30_000 });

  useEffect(() => {
    const live = getLiveClient();
    const offMessage = live.onMessage((message) => {
      const { type, notification } = message as unknown as { type: string; notification?: AppNotification };
      if (type !== "notification" || !notification) return;
      queryClient.setQueryData<NotificationPage>(notificationsKey, (page) =>
        page && !page.results.some((n) => n.id === notification.id)
          ? { ...page, results: [notification, ...page.results], unread_count: page.unread_count + 1 }
          : page,
      );
      void queryClient.invalidateQueries({ queryKey: notificationsKey });
    });
    let wasOpen = live.status === "open";
    const offStatus = live.onStatus((status) => {
      if (status === "open" && !wasOpen) void queryClient.invalidateQueries({ queryKey: notificationsKey });
      wasOpen = status === "open";
    });
    live.start();
    return () => {
      offMessage();
      offStatus();
    };
  }, [queryClient]);

  const read = useMutation({
    mutationFn: (id: number) => markRead(id),
    onMutate: (id) => {
      queryClient.setQueryData<NotificationPage>(notificationsKey, (page) => {
        if (!page) return page;
        const target = page.results.find((n) => n.id === id);
        if (!target || target.read_at) return page;
        const now = new Date().toISOString();
        return {
          ...page,
          results: page.results.map((n) => (n.id === id ? { ...n, read_at: now } : n)),
          unread_count: Math.max(0, page.unread_count - 1),
        };
      });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationsKey }),
  });

  const readAll = useMutation({
    mutationFn: markAllRead,
    onMutate: () => {
      const now = new Date().toISOString();
      queryClient.setQueryData<NotificationPage>(notificationsKey, (page) =>
        page ? { ...page, results: page.results.map((n) => ({ ...n, read_at: n.read_at ?? now })), unread_count: 0 } : page,
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationsKey }),
  });

  return { query, markRead: read.mutate, markAllRead: readAll.mutate };
}
