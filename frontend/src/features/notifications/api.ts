import { api, unwrap } from "@/api/client";

/** One in-app notification (GET /api/v1/notifications/; docs/notifications.md). */
export interface AppNotification {
  id: number;
  kind: string;
  title: string;
  body: string;
  link: string;
  ticket: number | null;
  created_at: string;
  read_at: string | null;
}

export interface NotificationPage {
  next: string | null;
  previous: string | null;
  results: AppNotification[];
  unread_count: number;
}

export const notificationsKey = ["notifications"] as const;

/** The newest 20 of yours (the bell's list) and how many of all yours are unread. */
export async function getNotifications(): Promise<NotificationPage> {
  const page = await unwrap(api.GET("/api/v1/notifications/", { params: { query: { page_size: 20 } } }));
  return page as unknown as NotificationPage;
}

export const markRead = (id: number) =>
  unwrap(api.POST("/api/v1/notifications/{id}/read/", { params: { path: { id } } }));

export const markAllRead = () => unwrap(api.POST("/api/v1/notifications/read-all/"));
