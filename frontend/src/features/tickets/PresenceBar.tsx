import { useTranslation } from "react-i18next";
import type { PresentPerson } from "./presence";

/** "Anna Dispatcher is viewing" / "… is typing a reply": the other agents on this ticket now. */
export function PresenceBar({ others }: { others: PresentPerson[] }) {
  const { t } = useTranslation("tickets");
  return (
    <div className="tk-presence" role="status" aria-live="polite">
      {others.map((person) => (
        <span key={person.id} className={person.typing ? "tk-presence__who tk-presence__who--typing" : "tk-presence__who"}>
          <span className="tk-presence__dot" aria-hidden="true" />
          {person.typing ? t("presence.typing", { name: person.name }) : t("presence.viewing", { name: person.name })}
        </span>
      ))}
    </div>
  );
}
