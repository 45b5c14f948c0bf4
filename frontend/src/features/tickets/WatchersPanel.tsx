import { useMutation, useQueries, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { PersonPicker } from "@/features/forms";
import { Button, ErrorAlert, fieldErrors } from "@/shared/ui";
import { getPerson, keys, setWatchers, type Ticket } from "./api";

/** Who watches the ticket; add or remove through POST /watchers/ {add, remove}. */
export function WatchersPanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation("tickets");
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState<number | null>(null);
  const people = useQueries({
    queries: ticket.watchers.map((pid) => ({ queryKey: ["person", pid], queryFn: () => getPerson(pid), staleTime: 300_000, retry: false })),
  });
  const change = useMutation({
    mutationFn: (body: { add?: number[]; remove?: number[] }) => setWatchers(ticket.id, body),
    onSuccess: (fresh) => {
      queryClient.setQueryData(keys.ticket(ticket.id), fresh);
      void queryClient.invalidateQueries({ queryKey: keys.part(ticket.id, "events") });
      setAdding(null);
    },
  });
  return (
    <section className="a-card tk-panel" aria-labelledby="tk-watchers-title">
      <h2 id="tk-watchers-title">
        {t("watchers.title")} <span className="tk-count">{ticket.watchers.length}</span>
      </h2>
      <ErrorAlert error={change.error} shownFields={["add", "remove"]} />
      {ticket.watchers.length === 0 && <p className="tk-muted">{t("watchers.none")}</p>}
      <ul className="tk-watchers">
        {ticket.watchers.map((pid, i) => {
          const person = people[i]?.data;
          const name = person ? person.full_name || person.email : `#${pid}`;
          return (
            <li key={pid}>
              <span>{name}</span>
              <Button size="sm" variant="ghost" onClick={() => change.mutate({ remove: [pid] })} aria-label={t("watchers.remove", { name })}>
                {t("watchers.removeShort")}
              </Button>
            </li>
          );
        })}
      </ul>
      <form
        className="tk-watchers__add"
        onSubmit={(e) => {
          e.preventDefault();
          if (adding) change.mutate({ add: [adding] });
        }}
      >
        <PersonPicker label={t("watchers.add")} value={adding} onChange={(pid) => setAdding(pid)} errors={fieldErrors(change.error, "add")} />
        <Button type="submit" size="sm" disabled={!adding} busy={change.isPending}>
          {t("watchers.addButton")}
        </Button>
      </form>
    </section>
  );
}
