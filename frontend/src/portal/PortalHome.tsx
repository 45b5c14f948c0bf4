import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useSession } from "@/shared/session/SessionContext";
import { Icon, type IconName } from "@/shared/ui/Icon";
import { LanguageSwitch } from "@/shared/ui/LanguageSwitch";
import { usePageTitle } from "@/shared/ui/usePageTitle";
import { useBranding } from "./branding";
import { keys, listAnnouncements } from "./api";

export default function PortalHome() {
  const { t } = useTranslation("portal");
  const { user, account } = useSession();
  const { data: branding } = useBranding();
  usePageTitle(branding?.portal_name || account.name);
  const announcements = useQuery({ queryKey: keys.announcements, queryFn: listAnnouncements });
  const unread = (announcements.data?.results ?? []).filter((a) => a.requires_confirmation && !a.my_confirmation?.confirmed).length;
  const tiles: { to: string; label: string; icon: IconName; badge?: string }[] = [
    { to: "/new", label: "home.new", icon: "plus" },
    { to: "/requests", label: "home.requests", icon: "reply" },
    { to: "/passes", label: "home.passes", icon: "shield" },
    { to: "/announcements", label: "home.announcements", icon: "globe", ...(unread ? { badge: t("home.unread", { count: unread }) } : {}) },
  ];
  if (user.role === "key_user") tiles.push({ to: "/company", label: "home.company", icon: "user" });
  return (
    <div className="portal-page" data-portal-ready="">
      <section className="portal-welcome a-card">
        <h1>{t("welcome", { name: user.full_name || user.email })}</h1>
        <p className="portal-muted">{branding?.welcome_text || t("intro", { account: branding?.name || account.name })}</p>
      </section>
      <ul className="portal-tiles">
        {tiles.map((tile) => (
          <li key={tile.to}>
            <Link to={tile.to} className="portal-tile a-card">
              <span className="portal-tile__icon" aria-hidden="true">
                <Icon name={tile.icon} size={24} />
              </span>
              <span className="portal-tile__label">{t(tile.label)}</span>
              {tile.badge && <span className="portal-badge">{tile.badge}</span>}
            </Link>
          </li>
        ))}
      </ul>
      <div className="portal-home__lang">
        <LanguageSwitch />
      </div>
    </div>
  );
}
