import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { CustomFieldsForm, type FieldValues, isoToZonedInput, zonedInputToIso } from "@/features/forms";
import { useDateFormat } from "@/shared/format/datetime";
import { Button, ErrorAlert, fieldErrors } from "@/shared/ui";
import { getAgents, getAttachments, getChildren, getGroups, getTicket, getTicketType, keys, patchTicket, type Ticket, type TicketChanges } from "./api";
import { StatusBadge } from "./TicketHeader";

const PRIORITIES = [1, 2, 3, 4] as const;

/** One PATCH of the ticket; the fresh detail replaces the cached one. */
function usePatch(ticket: Ticket) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: TicketChanges) => patchTicket(ticket.id, changes),
    onSuccess: (fresh) => {
      queryClient.setQueryData(keys.ticket(ticket.id), fresh);
      void queryClient.invalidateQueries({ queryKey: keys.part(ticket.id, "events") });
    },
  });
}

function Select({
  label,
  value,
  onChange,
  options,
  errors,
  busy,
  emptyLabel,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  errors?: string[] | undefined;
  busy?: boolean;
  emptyLabel?: string;
}) {
  const id = useId();
  return (
    <div className={errors ? "tk-prop a-field a-field--invalid" : "tk-prop a-field"}>
      <label className="a-field__label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className="a-input tk-select"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-err` : undefined}
        aria-busy={busy || undefined}
      >
        {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {errors && (
        <ul id={`${id}-err`} className="a-field__errors">
          {errors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children ?? "—"}</dd>
    </>
  );
}

export function Properties({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation("tickets");
  return (
    <section className="a-card tk-panel" aria-labelledby="tk-props-title">
      <h2 id="tk-props-title">{t("properties.title")}</h2>
      <Pickers ticket={ticket} />
      <dl className="tk-facts">
        <Fact label={t("properties.requester")}>{ticket.requester?.name}</Fact>
        <Fact label={t("properties.company")}>{ticket.company?.name}</Fact>
        <Fact label={t("properties.location")}>{ticket.location?.name}</Fact>
        <Fact label={t("properties.equipment")}>{ticket.equipment?.name}</Fact>
        <Fact label={t("properties.channel")}>{ticket.channel ? t(`channel.${ticket.channel}`, { defaultValue: ticket.channel }) : null}</Fact>
      </dl>
      <PlannedDates ticket={ticket} />
      <Relations ticket={ticket} />
      <CustomFields ticket={ticket} />
    </section>
  );
}

function Pickers({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation("tickets");
  const priority = usePatch(ticket);
  const group = usePatch(ticket);
  const assignee = usePatch(ticket);
  const groups = useQuery({ queryKey: ["groups"], queryFn: getGroups, staleTime: 300_000 });
  const agents = useQuery({ queryKey: ["agents"], queryFn: getAgents, staleTime: 300_000 });
  const groupOptions = (groups.data ?? []).filter((g) => g.is_active !== false || g.id === ticket.group?.id).map((g) => ({ value: String(g.id), label: g.name }));
  if (ticket.group && !groupOptions.some((o) => o.value === String(ticket.group!.id)))
    groupOptions.unshift({ value: String(ticket.group.id), label: ticket.group.name });
  const people = agents.data ?? [];
  const members = ticket.group ? groups.data?.find((g) => g.id === ticket.group!.id)?.members : undefined;
  const agentOptions = people.map((p) => ({
    value: String(p.id),
    label: members?.includes(p.id) ? t("properties.inGroup", { name: p.full_name || p.email }) : p.full_name || p.email,
  }));
  if (ticket.assignee && !agentOptions.some((o) => o.value === String(ticket.assignee!.id)))
    agentOptions.unshift({ value: String(ticket.assignee.id), label: ticket.assignee.name });
  return (
    <div className="tk-pickers">
      <Select
        label={t("properties.priority")}
        value={String(ticket.priority ?? "")}
        onChange={(v) => priority.mutate({ priority: Number(v) as TicketChanges["priority"] })}
        options={PRIORITIES.map((p) => ({ value: String(p), label: t(`priority.${p}`) }))}
        errors={fieldErrors(priority.error, "priority")}
        busy={priority.isPending}
      />
      <ErrorAlert error={priority.error} shownFields={["priority"]} />
      <Select
        label={t("properties.group")}
        value={ticket.group ? String(ticket.group.id) : ""}
        onChange={(v) => group.mutate({ group: v ? Number(v) : null })}
        options={groupOptions}
        emptyLabel={t("properties.noGroup")}
        errors={fieldErrors(group.error, "group")}
        busy={group.isPending}
      />
      <ErrorAlert error={group.error} shownFields={["group"]} />
      <Select
        label={t("properties.assignee")}
        value={ticket.assignee ? String(ticket.assignee.id) : ""}
        onChange={(v) => assignee.mutate({ assignee: v ? Number(v) : null })}
        options={agentOptions}
        emptyLabel={t("properties.unassigned")}
        errors={fieldErrors(assignee.error, "assignee")}
        busy={assignee.isPending}
      />
      <ErrorAlert error={assignee.error} shownFields={["assignee"]} />
    </div>
  );
}

function PlannedDates({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation("tickets");
  const fmt = useDateFormat();
  const save = usePatch(ticket);
  const [editing, setEditing] = useState(false);
  const [start, setStart] = useState("");
  const [finish, setFinish] = useState("");
  const id = useId();
  const open = () => {
    setStart(isoToZonedInput(ticket.planned_start, fmt.timeZone));
    setFinish(isoToZonedInput(ticket.planned_finish, fmt.timeZone));
    save.reset();
    setEditing(true);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      { planned_start: start ? (zonedInputToIso(start, fmt.timeZone) ?? null) : null, planned_finish: finish ? (zonedInputToIso(finish, fmt.timeZone) ?? null) : null },
      { onSuccess: () => setEditing(false) },
    );
  };
  if (!editing) {
    return (
      <div className="tk-planned">
        <dl className="tk-facts">
          <Fact label={t("properties.plannedStart")}>{ticket.planned_start ? fmt.dateTime(ticket.planned_start) : null}</Fact>
          <Fact label={t("properties.plannedFinish")}>{ticket.planned_finish ? fmt.dateTime(ticket.planned_finish) : null}</Fact>
        </dl>
        <Button size="sm" variant="ghost" onClick={open}>
          {t("properties.editPlanned")}
        </Button>
      </div>
    );
  }
  const field = (key: "planned_start" | "planned_finish", label: string, value: string, set: (v: string) => void) => {
    const errors = fieldErrors(save.error, key);
    return (
      <div className={errors ? "a-field a-field--invalid" : "a-field"}>
        <label className="a-field__label" htmlFor={`${id}-${key}`}>
          {label}
        </label>
        <input id={`${id}-${key}`} className="a-input" type="datetime-local" value={value} onChange={(e) => set(e.target.value)} aria-invalid={errors ? true : undefined} />
        {errors && (
          <ul className="a-field__errors">
            {errors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
      </div>
    );
  };
  return (
    <form className="a-form tk-planned tk-planned--editing" onSubmit={submit} noValidate>
      <ErrorAlert error={save.error} shownFields={["planned_start", "planned_finish"]} />
      {field("planned_start", t("properties.plannedStart"), start, setStart)}
      {field("planned_finish", t("properties.plannedFinish"), finish, setFinish)}
      <p className="a-field__hint">{t("properties.timeZone", { zone: fmt.timeZone ?? "" })}</p>
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

function Relations({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation("tickets");
  const parent = useQuery({
    queryKey: keys.ticket(ticket.parent ?? 0),
    queryFn: () => getTicket(ticket.parent!),
    enabled: Boolean(ticket.parent),
    retry: false,
  });
  const children = useQuery({ queryKey: keys.part(ticket.id, "children"), queryFn: () => getChildren(ticket.id) });
  const kids = children.data ?? [];
  if (!ticket.parent && kids.length === 0) return null;
  return (
    <div className="tk-relations">
      {ticket.parent ? (
        <div>
          <h3 className="tk-subtitle">{t("relations.parent")}</h3>
          <p>
            <Link to={`/tickets/${ticket.parent}`}>{parent.data ? `${parent.data.key} ${parent.data.title}` : `#${ticket.parent}`}</Link>
          </p>
        </div>
      ) : null}
      {kids.length > 0 && (
        <div>
          <h3 className="tk-subtitle">{t("relations.children", { count: kids.length })}</h3>
          <ul className="tk-children">
            {kids.map((kid) => (
              <li key={kid.id}>
                <Link to={`/tickets/${kid.id}`}>
                  {kid.key} {kid.title}
                </Link>{" "}
                <StatusBadge status={kid.status} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function CustomFields({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation("tickets");
  const type = useQuery({ queryKey: ["ticket-type", ticket.type.id], queryFn: () => getTicketType(ticket.type.id), staleTime: 300_000 });
  const attachments = useQuery({ queryKey: keys.part(ticket.id, "attachments"), queryFn: () => getAttachments(ticket.id) });
  const save = usePatch(ticket);
  const [editing, setEditing] = useState(false);
  const [values, setValues] = useState<FieldValues>({});
  const fields = type.data?.form_fields ?? [];
  if (fields.length === 0) return null;
  const current = (ticket.fields ?? {}) as FieldValues;
  const files = (attachments.data ?? []).map((a) => ({ id: a.id, name: a.name }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // merged by the API: send only what changed
    const changed = Object.fromEntries(Object.entries(values).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(current[k])).map(([k, v]) => [k, v ?? null]));
    save.mutate({ fields: changed }, { onSuccess: () => setEditing(false) });
  };
  return (
    <div className="tk-custom">
      <div className="tk-custom__head">
        <h3 className="tk-subtitle">{t("fields.title", { type: ticket.type.name })}</h3>
        {!editing && (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              setValues({ ...current });
              save.reset();
              setEditing(true);
            }}
          >
            {t("fields.edit")}
          </Button>
        )}
      </div>
      {editing ? (
        <form className="a-form" onSubmit={submit} noValidate>
          <ErrorAlert error={save.error} shownFields={fields.map((f) => `fields.${f.key}`)} />
          <CustomFieldsForm fields={fields} values={values} onChange={setValues} error={save.error} idPrefix="tk-cf" attachments={files} />
          <div className="a-form__actions">
            <Button type="submit" variant="primary" size="sm" busy={save.isPending}>
              {t("shared:actions.save")}
            </Button>
            <Button size="sm" onClick={() => setEditing(false)}>
              {t("shared:actions.cancel")}
            </Button>
          </div>
        </form>
      ) : (
        <CustomFieldsForm fields={fields} values={current} mode="view" attachments={files} />
      )}
    </div>
  );
}
