import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { Button, ErrorAlert, fieldErrors } from "@/shared/ui";
import { type ChecklistItem, downloadUrl, getChecklist, keys, tickChecklistItem } from "./api";

/** The ticket's checklist: answer an item (tick, yes/no, number, text) with a comment and a photo. */
export function ChecklistPanel({ ticketId }: { ticketId: number }) {
  const { t } = useTranslation("tickets");
  const items = useQuery({ queryKey: keys.part(ticketId, "checklist"), queryFn: () => getChecklist(ticketId) });
  const list = items.data ?? [];
  if (items.isPending || (list.length === 0 && !items.error)) return null;
  const groups = new Map<string, ChecklistItem[]>();
  for (const item of list) groups.set(item.checklist, [...(groups.get(item.checklist) ?? []), item]);
  const done = list.filter((i) => i.done).length;
  return (
    <section className="a-card tk-panel" aria-labelledby="tk-checklist-title">
      <h2 id="tk-checklist-title">
        {t("checklist.title")} <span className="tk-count">{t("checklist.progress", { done, total: list.length })}</span>
      </h2>
      <ErrorAlert error={items.error} />
      {[...groups.entries()].map(([name, group]) => (
        <div key={name} className="tk-checklist">
          {groups.size > 1 || name ? <h3 className="tk-subtitle">{name}</h3> : null}
          <ul className="tk-checklist__items">
            {group.map((item) => (
              <ChecklistRow key={item.id} ticketId={ticketId} item={item} />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function ChecklistRow({ ticketId, item }: { ticketId: number; item: ChecklistItem }) {
  const { t } = useTranslation("tickets");
  const fmt = useDateFormat();
  const id = useId();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState(item.comment ?? "");
  const [photo, setPhoto] = useState<File | null>(null);
  const [text, setText] = useState(item.value == null ? "" : String(item.value));
  const answer = useMutation({
    mutationFn: (value: unknown) => tickChecklistItem(ticketId, item.id, { value, comment, photo }),
    onSuccess: (fresh) => {
      queryClient.setQueryData<ChecklistItem[]>(keys.part(ticketId, "checklist"), (old) => old?.map((i) => (i.id === fresh.id ? fresh : i)));
      void queryClient.invalidateQueries({ queryKey: keys.part(ticketId, "events") });
      void queryClient.invalidateQueries({ queryKey: keys.part(ticketId, "attachments") });
      setPhoto(null);
      setOpen(false);
    },
  });
  const doneBy = item.done_by as { name?: string } | null;
  const valueOf = (): unknown => {
    if (item.kind === "number") return text.trim() === "" ? null : Number(text.replace(",", "."));
    if (item.kind === "text") return text.trim() === "" ? null : text;
    return item.value ?? null;
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    answer.mutate(valueOf());
  };
  return (
    <li className={item.done ? "tk-check tk-check--done" : "tk-check"}>
      <div className="tk-check__row">
        {item.kind === "check" ? (
          <input
            id={`${id}-v`}
            type="checkbox"
            checked={Boolean(item.value)}
            disabled={answer.isPending}
            onChange={(e) => answer.mutate(e.target.checked ? true : null)}
          />
        ) : null}
        <label htmlFor={item.kind === "check" ? `${id}-v` : `${id}-answer`} className="tk-check__label">
          {item.label}
          {item.required && <span className="tk-check__required"> {t("checklist.required")}</span>}
        </label>
        {item.kind === "yes_no" && (
          <span className="tk-check__yesno" role="group" aria-label={item.label}>
            {[true, false].map((v) => (
              <Button key={String(v)} size="sm" variant={item.value === v ? "primary" : "secondary"} aria-pressed={item.value === v} onClick={() => answer.mutate(v)}>
                {v ? t("checklist.yes") : t("checklist.no")}
              </Button>
            ))}
          </span>
        )}
        {item.kind !== "check" && item.kind !== "yes_no" && item.value != null && !open && <span className="tk-check__value">{String(item.value)}</span>}
        <Button size="sm" variant="ghost" aria-expanded={open} onClick={() => setOpen((o) => !o)} aria-label={t("checklist.details", { item: item.label })}>
          {t("checklist.more")}
        </Button>
      </div>
      {item.done && (
        <p className="tk-check__meta">
          {t("checklist.doneBy", { name: doneBy?.name ?? "—", when: fmt.dateTime(item.done_at) })}
          {item.comment ? ` — ${item.comment}` : ""}
        </p>
      )}
      {item.photo ? (
        <a href={downloadUrl(item.photo)} className="tk-check__photo">
          <img src={downloadUrl(item.photo)} alt={t("checklist.photoOf", { item: item.label })} loading="lazy" />
        </a>
      ) : null}
      {!open && <ErrorAlert error={answer.error} />}
      {open && (
        <form className="a-form tk-check__form" onSubmit={submit} noValidate>
          <ErrorAlert error={answer.error} shownFields={["value", "comment", "photo"]} />
          {(item.kind === "number" || item.kind === "text") && (
            <div className="a-field">
              <label className="a-field__label" htmlFor={`${id}-answer`}>
                {t("checklist.answer")}
              </label>
              <input id={`${id}-answer`} className="a-input" inputMode={item.kind === "number" ? "decimal" : undefined} value={text} onChange={(e) => setText(e.target.value)} />
              {fieldErrors(answer.error, "value") && <ul className="a-field__errors">{fieldErrors(answer.error, "value")!.map((m) => <li key={m}>{m}</li>)}</ul>}
            </div>
          )}
          <div className="a-field">
            <label className="a-field__label" htmlFor={`${id}-comment`}>
              {t("checklist.comment")}
            </label>
            <textarea id={`${id}-comment`} className="a-input tk-textarea" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
            {fieldErrors(answer.error, "comment") && <ul className="a-field__errors">{fieldErrors(answer.error, "comment")!.map((m) => <li key={m}>{m}</li>)}</ul>}
          </div>
          <div className="a-field">
            <label className="a-field__label" htmlFor={`${id}-photo`}>
              {t("checklist.photo")}
            </label>
            <input id={`${id}-photo`} type="file" accept="image/*" capture="environment" onChange={(e) => setPhoto(e.target.files?.[0] ?? null)} />
            {fieldErrors(answer.error, "photo") && <ul className="a-field__errors">{fieldErrors(answer.error, "photo")!.map((m) => <li key={m}>{m}</li>)}</ul>}
          </div>
          <div className="a-form__actions">
            <Button type="submit" variant="primary" size="sm" busy={answer.isPending}>
              {t("shared:actions.save")}
            </Button>
            <Button size="sm" onClick={() => setOpen(false)}>
              {t("shared:actions.cancel")}
            </Button>
          </div>
        </form>
      )}
    </li>
  );
}
