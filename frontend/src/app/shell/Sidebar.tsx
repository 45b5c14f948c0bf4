import { NavLink } from "react-router";
import { useTranslation } from "react-i18next";
import { useSession } from "@/shared/session/SessionContext";
import { Icon } from "@/shared/ui";
import { navSections } from "../nav";

export function Sidebar() {
  const { t } = useTranslation("app");
  const me = useSession();
  return (
    <nav className="app-sidebar" aria-label={t("shell.navigation")}>
      <div className="app-sidebar__brand">
        <span className="app-sidebar__logo" aria-hidden="true">
          A
        </span>
        <span className="app-sidebar__brand-name">{t("shared:brand")}</span>
      </div>
      {navSections.map((section) => {
        const items = section.items.filter((item) => !item.show || item.show(me));
        if (!items.length) return null;
        return (
          <div key={section.id} className="app-sidebar__section">
            {section.label && <div className="app-sidebar__section-label">{t(section.label)}</div>}
            <ul>
              {items.map((item) => {
                const label = t(item.label);
                return (
                  <li key={item.to}>
                    <NavLink
                      to={item.to}
                      end={item.end}
                      className={({ isActive }) => `app-sidebar__link${isActive ? " is-active" : ""}`}
                      title={label}
                    >
                      <Icon name={item.icon} />
                      <span className="app-sidebar__label">{label}</span>
                    </NavLink>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}
