import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { isLanguage, LANGUAGES } from "@/shared/i18n";
import { resetLiveClient } from "@/shared/live";
import { signOut } from "@/shared/session/api";
import { useChangeLanguage } from "@/shared/session/language";
import { useSession } from "@/shared/session/SessionContext";
import { Icon } from "@/shared/ui";
import { Menu } from "@/shared/ui/Menu";

export function initials(name: string, email: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length ? parts.slice(0, 2).map((p) => p[0]) : [email[0]];
  return letters.join("").toUpperCase();
}

/** The person's menu: Profile, Language, Sign out. */
export function UserMenu() {
  const { t, i18n } = useTranslation("app");
  const { user } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const changeLanguage = useChangeLanguage();
  const name = user.full_name || user.email;

  const onSignOut = async () => {
    resetLiveClient();
    try {
      await signOut(queryClient);
    } finally {
      navigate("/sign-in", { replace: true });
    }
  };

  return (
    <Menu.Root>
      <Menu.Trigger className="app-user" aria-label={t("userMenu.open", { name })}>
        <span className="app-user__avatar" aria-hidden="true">
          {initials(user.full_name, user.email)}
        </span>
        <span className="app-user__name">{name}</span>
        <Icon name="chevron" size={16} />
      </Menu.Trigger>
      <Menu.Content>
        <div className="app-user__card">
          <div className="app-user__card-name">{name}</div>
          <div className="app-user__card-meta">{user.email}</div>
          <div className="app-user__card-meta">{t(`shared:roles.${user.role}`, { defaultValue: user.role })}</div>
        </div>
        <Menu.Separator />
        <Menu.Item onSelect={() => navigate("/profile")}>
          <Icon name="user" size={16} />
          {t("userMenu.profile")}
        </Menu.Item>
        <Menu.Separator />
        <Menu.Label>{t("shared:language.label")}</Menu.Label>
        <Menu.RadioGroup
          value={i18n.language}
          onValueChange={(value) => {
            if (isLanguage(value)) void changeLanguage(value);
          }}
        >
          {LANGUAGES.map((language) => (
            <Menu.RadioItem key={language} value={language} lang={language}>
              {t(`shared:language.${language}`)}
            </Menu.RadioItem>
          ))}
        </Menu.RadioGroup>
        <Menu.Separator />
        <Menu.Item onSelect={() => void onSignOut()}>
          <Icon name="logout" size={16} />
          {t("shared:signOut")}
        </Menu.Item>
      </Menu.Content>
    </Menu.Root>
  );
}
