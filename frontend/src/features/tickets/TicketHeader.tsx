import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type RefObject, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button, ErrorAlert, fieldErrors, TextField } from "@/shared/ui";
import { useDateFormat } from "@/shared/format/datetime";
import { keys, patchTicket, type Ticket } from "./api";
import { Transitions } from "./Transitions";

export function StatusBadge({ status }: { status: Ticket["status"] }) {
  const { t } = useTranslation("tickets");
  return (
    <span className={`tk-status tk-status--${status.category}`}>
      <span className="a-visually-hidden">{t("header.status")}: </span>
      {status.name}
      <span className="a-visually-hidden"> ({t(`category.${status.category}`, { defaultValue: status.category })})</span>
    </span>
  );
}

export function TicketHeader({ ticket, transitionsRef }: { ticket: Ticket; transitionsRef: RefObject<HTMLDivElement | null> }) {
  const { t } = useTranslation("tickets");
  const fmt = useDateFormat();
  return (
    <header className="tk-header a-card">
      <div className="tk-header__top">
        <span className="tk-header__key">{ticket.key}</span>
        <span className="tk-header__type">{ticket.type.name}</span>
        <StatusBadge status={ticket.status} />
        <span className="tk-header__times">
          {t("header.created", { when: fmt.dateTime(ticket.created_at) })} · {t("header.updated", { when: fmt.dateTime(ticket.updated_at) })}
        </span>
      </div>
      <TitleEditor ticket={ticket} />
      <Transitions ticket={ticket} containerRef={transitionsRef} />
    </header>
  );
}

function TitleEditor({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation("tickets");
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(ticket.title);
  const save = useMutation({
    mutationFn: (value: string) => patchTicket(ticket.id, { title: value }),
    onSuccess: (fresh) => {
      queryClient.setQueryData(keys.ticket(ticket.id), fresh);
      void queryClient.invalidateQueries({ queryKey: keys.part(ticket.id, "events") });
      setEditing(false);
    },
  });
  if (!editing) {
    return (
      <div className="tk-title">
        <h1>{ticket.title || t("header.untitled")}</h1>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => {
            setTitle(ticket.title);
            save.reset();
            setEditing(true);
          }}
        >
          {t("header.editTitle")}
        </Button>
      </div>
    );
  }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(title);
  };
  return (
    <form className="tk-title tk-title--editing" onSubmit={onSubmit} noValidate>
      <ErrorAlert error={save.error} shownFields={["title"]} />
      <TextField
        label={t("header.title")}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        errors={fieldErrors(save.error, "title")}
        autoFocus
        onKeyDown={(e) => {
          if (e.key === "Escape") setEditing(false);
        }}
      />
      <div className="a-form__actions">
        <Button type="submit" variant="primary" size="sm" busy={save.isPending}>
          {t("shared:actions.save")}
        </Button>
        <Button size="sm" onClick={() => setEditing(false)}>
          {t("shared:actions.cancel")}
        </Button>
      </div>
    </form>
  );
}
