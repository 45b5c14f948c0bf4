import { NotificationBell } from "@/features/notifications";
import { useSession } from "@/shared/session/SessionContext";
import { UserMenu } from "./UserMenu";

export function TopBar() {
  const { account } = useSession();
  return (
    <header className="app-topbar">
      <div className="app-topbar__account" title={account.name}>
        {account.name}
      </div>
      <div className="app-topbar__spacer" />
      <NotificationBell />
      <UserMenu />
    </header>
  );
}
