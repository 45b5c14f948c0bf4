import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { useSession } from "@/shared/session/SessionContext";
import { Icon } from "@/shared/ui";

/** Shown while a platform operator uses this session (GET /me/ `impersonation`). */
export function ImpersonationBanner() {
  const { impersonation, user } = useSession();
  const { t } = useTranslation("app");
  const fmt = useDateFormat();
  if (!impersonation) return null;
  return (
    <div className="app-impersonation" role="region" aria-label={t("impersonation.label")}>
      <Icon name="shield" size={16} />
      <span>
        {t("impersonation.text", {
          operator: impersonation.operator,
          person: user.full_name || user.email,
          until: fmt.time(impersonation.expires_at),
        })}
      </span>
    </div>
  );
}
