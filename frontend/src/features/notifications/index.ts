export { NotificationBell, NotificationList } from "./NotificationBell";
export { PreferencesCard } from "./PreferencesCard";
export { useNotifications } from "./useNotifications";
export type { AppNotification, NotificationPage } from "./api";
