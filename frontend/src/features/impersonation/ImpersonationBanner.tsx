import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { fullPageNavigate, signInUrl } from "@/shared/navigation";
import { signOut } from "@/shared/session/api";
import { useSession } from "@/shared/session/SessionContext";
import { Button, Icon } from "@/shared/ui";
import { minutesLeft } from "./timeLeft";
import "./impersonation.css";

/**
 * Shown on every workspace page while a platform operator uses this session (GET /me/
 * `impersonation`): who the operator is, the time left, and a button that ends the session here
 * (signs this browser out; the operator's one-time handoff cannot be used again).
 */
export function ImpersonationBanner() {
  const { impersonation, user } = useSession();
  const { t } = useTranslation("impersonation");
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!impersonation) return;
    const timer = window.setInterval(() => setNow(Date.now()), 15_000);
    return () => window.clearInterval(timer);
  }, [impersonation]);
  const end = useMutation({
    mutationFn: () => signOut(queryClient),
    onSettled: () => fullPageNavigate(signInUrl()),
  });
  if (!impersonation) return null;
  const minutes = minutesLeft(impersonation.expires_at, now);
  return (
    <div className="imp-banner" role="region" aria-label={t("label")}>
      <Icon name="shield" size={16} />
      <span className="imp-banner__text">
        {t("text", { operator: impersonation.operator, person: user.full_name || user.email })}{" "}
        <strong>
          {t("left", { count: minutes, until: fmt.time(impersonation.expires_at) })}
        </strong>
      </span>
      <Button size="sm" variant="secondary" busy={end.isPending} onClick={() => end.mutate()}>
        {t("end")}
      </Button>
    </div>
  );
}
