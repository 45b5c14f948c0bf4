export { NotificationBell, NotificationList } from "./NotificationBell";
export { useNotifications } from "./useNotifications";
export type { AppNotification, NotificationPage } from "./api";
