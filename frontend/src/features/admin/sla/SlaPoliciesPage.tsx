import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { CompanyPicker, LocationPicker, PersonPicker } from "@/features/forms";
import { useCompanies, useLocations } from "@/features/forms/api";
import { Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { useGroups, useTicketTypes } from "../api";
import { Checks } from "../controls";
import { SortableList } from "../SortableList";
import {
  createPolicy,
  deletePolicy,
  type Escalation,
  type EscalationAction,
  patchPolicy,
  type SlaPolicy,
  slaKeys,
  type TargetKind,
  type Threshold,
  updatePolicy,
  useCalendars,
  useSlaPolicies,
} from "./api";
import { type Duration, draftOf, type PolicyDraft, reorder, toBody, type Unit, UNITS } from "./draft";
import "./sla.css";

const THRESHOLDS: Threshold[] = ["warning", "breach"];
const TARGETS: TargetKind[] = ["response", "resolution"];
const ACTIONS: EscalationAction[] = ["notify", "reassign", "raise_priority"];

/** "1 d 4 h", "2 h 30 min", "45 min" from minutes. */
function useMinutesText() {
  const { t } = useTranslation("sla");
  return (minutes: number | null | undefined) => {
    if (minutes == null) return "—";
    const d = Math.floor(minutes / 1440);
    const h = Math.floor((minutes % 1440) / 60);
    const m = minutes % 60;
    const parts = [d && t("units.dShort", { n: d }), h && t("units.hShort", { n: h }), (m || minutes === 0) && t("units.minShort", { n: m })].filter(Boolean);
    return parts.join(" ");
  };
}

/** /app/admin/sla: the SLA policies in precedence order (the first that matches a ticket applies), and a policy's editor. */
export default function SlaPoliciesPage() {
  const { t } = useTranslation("sla");
  usePageTitle(t("title"));
  const queryClient = useQueryClient();
  const policies = useSlaPolicies();
  const calendars = useCalendars();
  const minutesText = useMinutesText();
  const [editing, setEditing] = useState<PolicyDraft | null>(null);
  const list = policies.data ?? [];
  const move = useMutation({
    mutationFn: async ({ fromId, overId }: { fromId: number; overId: number }) => {
      const { list: next, changed } = reorder(list, fromId, overId);
      queryClient.setQueryData(slaKeys.policies, next);
      for (const c of changed) await patchPolicy(c.id, { order: c.order });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: slaKeys.policies }),
    onSuccess: () => notify(t("reordered")),
  });
  const remove = useMutation({
    mutationFn: (policy: SlaPolicy) => deletePolicy(policy.id),
    onSuccess: (_, policy) => {
      setEditing(null);
      notify(t("deleted", { name: policy.name }));
      void queryClient.invalidateQueries({ queryKey: slaKeys.policies });
    },
  });
  const defaultCalendar = calendars.data?.find((c) => c.is_default);
  const calendarName = (id: number | null) =>
    id == null ? (defaultCalendar ? t("calendarDefaultNamed", { name: defaultCalendar.name }) : t("calendarDefault")) : (calendars.data?.find((c) => c.id === id)?.name ?? `#${id}`);
  const nextOrder = (list.at(-1)?.order ?? 0) + 10;
  return (
    <div className="a-page admin-page">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{t("subtitle")}</p>
        </div>
        <Button variant="primary" onClick={() => setEditing(draftOf(null, nextOrder))}>
          {t("new")}
        </Button>
      </div>
      <ErrorAlert error={policies.error ?? move.error ?? remove.error} />
      <div className="ordered-layout sla-layout">
        <section className="a-card admin-section" aria-labelledby="sla-list">
          <h2 id="sla-list">{t("list")}</h2>
          <p className="admin-hint">{t("listHint")}</p>
          {policies.isPending ? (
            <PageLoading />
          ) : list.length === 0 ? (
            <p className="a-empty">{t("none")}</p>
          ) : (
            <SortableList items={list} idOf={(p) => String(p.id)} labelOf={(p) => p.name} onMove={(from, over) => move.mutate({ fromId: Number(from), overId: Number(over) })}>
              {(policy, handle, index) => {
                const urgent = [...policy.targets].sort((a, b) => b.priority - a.priority)[0];
                return (
                  <div className={`ordered-item${policy.is_active ? "" : " is-muted"}${editing?.id === policy.id ? " is-selected" : ""}`}>
                    {handle}
                    <span className="ordered-item__n">{index + 1}.</span>
                    <button type="button" className="ordered-item__name sla-policy__name" onClick={() => setEditing(draftOf(policy))}>
                      {policy.name}
                    </button>
                    <span className="sla-policy__what">
                      {calendarName(policy.calendar)}
                      {urgent &&
                        ` · ${t("summary", {
                          priority: t(`admin:priority.${urgent.priority}`),
                          response: minutesText(urgent.response_minutes),
                          resolution: minutesText(urgent.resolution_minutes),
                        })}`}
                    </span>
                    {!policy.is_active && <span className="admin-badge">{t("inactive")}</span>}
                    <Button size="sm" variant="ghost" disabled={index === 0 || move.isPending} onClick={() => move.mutate({ fromId: policy.id, overId: list[index - 1]!.id })} aria-label={t("moveUp", { name: policy.name })}>
                      ↑
                    </Button>
                    <Button size="sm" variant="ghost" disabled={index === list.length - 1 || move.isPending} onClick={() => move.mutate({ fromId: policy.id, overId: list[index + 1]!.id })} aria-label={t("moveDown", { name: policy.name })}>
                      ↓
                    </Button>
                  </div>
                );
              }}
            </SortableList>
          )}
        </section>
        {editing && (
          <PolicyEditor
            key={editing.id ?? "new"}
            draft={editing}
            onDone={() => setEditing(null)}
            onDelete={editing.id ? () => remove.mutate(list.find((p) => p.id === editing.id)!) : undefined}
            deleting={remove.isPending}
          />
        )}
      </div>
    </div>
  );
}

function Errors({ messages }: { messages: string[] | undefined }) {
  return messages?.length ? (
    <ul className="a-field__errors">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  ) : null;
}

function PolicyEditor({ draft, onDone, onDelete, deleting }: { draft: PolicyDraft; onDone: () => void; onDelete: (() => void) | undefined; deleting: boolean }) {
  const { t } = useTranslation("sla");
  const queryClient = useQueryClient();
  const types = useTicketTypes();
  const calendars = useCalendars();
  const groups = useGroups();
  const [d, setD] = useState(draft);
  const [targetPriorities, setTargetPriorities] = useState<number[]>([]);
  const set = (patch: Partial<PolicyDraft>) => setD((x) => ({ ...x, ...patch }));
  const save = useMutation({
    mutationFn: () => {
      const { body, targetPriorities: sent } = toBody(d);
      setTargetPriorities(sent);
      return d.id ? updatePolicy(d.id, body) : createPolicy(body);
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: slaKeys.policies });
      notify(t("saved", { name: saved.name }));
      onDone();
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const err = (name: string) => fieldErrors(save.error, name);
  // the API names a target by its index in the list sent: back to the priority's row
  const targetErr = (priority: number, field: string) => {
    const i = targetPriorities.indexOf(priority);
    return i < 0 ? undefined : err(`targets.${i}.${field}`);
  };
  const shownFields = [
    "name",
    "order",
    "is_active",
    "calendar",
    "warning_percent",
    "ticket_types",
    "companies",
    "locations",
    "targets",
    "escalations",
    ...targetPriorities.flatMap((_, i) => [`targets.${i}`, `targets.${i}.priority`, `targets.${i}.response_minutes`, `targets.${i}.resolution_minutes`]),
    ...d.escalations.flatMap((_, i) => ["", ".threshold", ".target", ".action", ".group", ".assignee"].map((f) => `escalations.${i}${f}`)),
  ];
  const setTarget = (priority: number, kind: "response" | "resolution", value: Duration) =>
    set({ targets: d.targets.map((x) => (x.priority === priority ? { ...x, [kind]: value } : x)) });
  const setEscalation = (i: number, patch: Partial<Escalation>) => set({ escalations: d.escalations.map((e, k) => (k === i ? { ...e, ...patch } : e)) });
  const calendarId = useId();
  const defaultCalendar = calendars.data?.find((c) => c.is_default);
  return (
    <form className="a-card admin-section ordered-editor" onSubmit={onSubmit} noValidate aria-labelledby="sla-editor">
      <h2 id="sla-editor">{d.id ? t("edit", { name: draft.name }) : t("new")}</h2>
      <ErrorAlert error={save.error} shownFields={shownFields} />
      <div className="admin-grid">
        <TextField label={t("name")} value={d.name} onChange={(e) => set({ name: e.target.value })} errors={err("name")} />
        <div className={`a-field${err("calendar") ? " a-field--invalid" : ""}`}>
          <label className="a-field__label" htmlFor={calendarId}>
            {t("calendar")}
          </label>
          <select id={calendarId} className="a-input" value={d.calendar ?? ""} onChange={(e) => set({ calendar: e.target.value ? Number(e.target.value) : null })}>
            <option value="">{defaultCalendar ? t("calendarDefaultNamed", { name: defaultCalendar.name }) : t("calendarDefault")}</option>
            {(calendars.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.is_default ? t("calendarIsDefault", { name: c.name }) : c.name}
              </option>
            ))}
          </select>
          <Errors messages={err("calendar")} />
        </div>
        <TextField label={t("warningPercent")} type="number" inputMode="numeric" min={1} max={99} value={d.warning_percent} onChange={(e) => set({ warning_percent: e.target.value })} errors={err("warning_percent")} hint={t("warningHint")} />
        <label className="admin-check">
          <input type="checkbox" checked={d.is_active} onChange={(e) => set({ is_active: e.target.checked })} />
          {t("active")}
        </label>
      </div>
      <Errors messages={err("is_active")} />

      <h3>{t("conditions")}</h3>
      <p className="admin-hint">{t("conditionsHint")}</p>
      <Checks legend={t("ticketTypes")} options={(types.data ?? []).map((x) => x.id)} value={d.ticket_types} onChange={(ticket_types) => set({ ticket_types })} label={(id) => types.data?.find((x) => x.id === id)?.name ?? `#${id}`} />
      <Errors messages={err("ticket_types")} />
      <div className="admin-grid">
        <RefList kind="company" label={t("companies")} ids={d.companies} onChange={(companies) => set({ companies })} errors={err("companies")} />
        <RefList kind="location" label={t("locations")} ids={d.locations} onChange={(locations) => set({ locations })} errors={err("locations")} />
      </div>

      <h3 id="sla-targets">{t("targets")}</h3>
      <p className="admin-hint">{t("targetsHint")}</p>
      <Errors messages={err("targets")} />
      <table className="admin-table sla-targets" aria-labelledby="sla-targets">
        <thead>
          <tr>
            <th scope="col">{t("priority")}</th>
            <th scope="col">{t("response")}</th>
            <th scope="col">{t("resolution")}</th>
          </tr>
        </thead>
        <tbody>
          {[...d.targets].reverse().map((row) => {
            const priority = t(`admin:priority.${row.priority}`);
            const sent = targetPriorities.indexOf(row.priority);
            const rowErrors = sent < 0 ? [] : [...(err(`targets.${sent}`) ?? []), ...(err(`targets.${sent}.priority`) ?? [])];
            return (
              <tr key={row.priority}>
                <th scope="row">
                  {priority}
                  <Errors messages={rowErrors.length ? rowErrors : undefined} />
                </th>
                {(["response", "resolution"] as const).map((kind) => (
                  <td key={kind}>
                    <DurationInput label={t(`${kind}Of`, { priority })} value={row[kind]} onChange={(v) => setTarget(row.priority, kind, v)} errors={targetErr(row.priority, `${kind}_minutes`)} />
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>

      <h3>{t("escalations")}</h3>
      <p className="admin-hint">{t("escalationsHint")}</p>
      <Errors messages={err("escalations")} />
      {d.escalations.length === 0 && <p className="a-empty">{t("noEscalations")}</p>}
      <ol className="sla-escalations">
        {d.escalations.map((e, i) => {
          const n = i + 1;
          const eErr = (f: string) => err(`escalations.${i}.${f}`);
          const sel = (f: "threshold" | "target" | "action", options: string[], label: string) => (
            <div className={`a-field${eErr(f) ? " a-field--invalid" : ""}`}>
              <label className="a-field__label" htmlFor={`sla-esc-${i}-${f}`}>
                {label}
              </label>
              <select id={`sla-esc-${i}-${f}`} className="a-input" aria-label={t("escalationField", { field: label, n })} value={e[f]} onChange={(ev) => setEscalation(i, { [f]: ev.target.value })}>
                {options.map((o) => (
                  <option key={o} value={o}>
                    {t(`${f}.${o}`)}
                  </option>
                ))}
              </select>
              <Errors messages={eErr(f)} />
            </div>
          );
          return (
            <li key={e.id ?? `new-${i}`} className="sla-escalation">
              <fieldset className="admin-fieldset">
                <legend>{t("escalationN", { n })}</legend>
                <Errors messages={err(`escalations.${i}`)} />
                <div className="admin-grid">
                  {sel("threshold", THRESHOLDS, t("thresholdLabel"))}
                  {sel("target", TARGETS, t("targetLabel"))}
                  {sel("action", ACTIONS, t("actionLabel"))}
                  {e.action !== "raise_priority" && (
                    <>
                      <div className={`a-field${eErr("group") ? " a-field--invalid" : ""}`}>
                        <label className="a-field__label" htmlFor={`sla-esc-${i}-group`}>
                          {t("group")}
                        </label>
                        <select id={`sla-esc-${i}-group`} className="a-input" aria-label={t("escalationField", { field: t("group"), n })} value={e.group ?? ""} onChange={(ev) => setEscalation(i, { group: ev.target.value ? Number(ev.target.value) : null })}>
                          <option value="">{t("noGroup")}</option>
                          {(groups.data ?? []).map((g) => (
                            <option key={g.id} value={g.id}>
                              {g.name}
                            </option>
                          ))}
                        </select>
                        <Errors messages={eErr("group")} />
                      </div>
                      <PersonPicker label={t("assignee")} value={e.assignee} onChange={(assignee) => setEscalation(i, { assignee })} errors={eErr("assignee")} />
                    </>
                  )}
                </div>
                <Button size="sm" variant="ghost" onClick={() => set({ escalations: d.escalations.filter((_, k) => k !== i) })} aria-label={t("removeEscalation", { n })}>
                  {t("remove")}
                </Button>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <div className="sla-add">
        <Button size="sm" onClick={() => set({ escalations: [...d.escalations, { threshold: "breach", target: "resolution", action: "notify", group: null, assignee: null }] })}>
          {t("addEscalation")}
        </Button>
      </div>

      <div className="a-form__actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t("admin:save")}
        </Button>
        <Button onClick={onDone}>{t("shared:actions.cancel")}</Button>
        {onDelete && (
          <Button variant="danger" onClick={onDelete} busy={deleting} aria-label={t("admin:deleteOf", { name: draft.name })}>
            {t("admin:delete")}
          </Button>
        )}
      </div>
    </form>
  );
}

/** A duration typed as an amount in minutes, hours or days (the API stores minutes). */
function DurationInput({ label, value, onChange, errors }: { label: string; value: Duration; onChange: (v: Duration) => void; errors: string[] | undefined }) {
  const { t } = useTranslation("sla");
  const id = useId();
  return (
    <div className={`a-field sla-duration${errors ? " a-field--invalid" : ""}`}>
      <div className="sla-duration__inputs">
        <input id={id} className="a-input" type="number" min={0} step="any" inputMode="decimal" aria-label={label} aria-invalid={errors ? true : undefined} value={value.amount} onChange={(e) => onChange({ ...value, amount: e.target.value })} />
        <select className="a-input" aria-label={t("unitOf", { what: label })} value={value.unit} onChange={(e) => onChange({ ...value, unit: e.target.value as Unit })}>
          {(Object.keys(UNITS) as Unit[]).map((u) => (
            <option key={u} value={u}>
              {t(`units.${u}`)}
            </option>
          ))}
        </select>
      </div>
      <Errors messages={errors} />
    </div>
  );
}

/** Companies or locations picked one at a time, shown as removable chips with their names. */
function RefList({ kind, label, ids, onChange, errors }: { kind: "company" | "location"; label: string; ids: number[]; onChange: (ids: number[]) => void; errors: string[] | undefined }) {
  const { t } = useTranslation("admin");
  const companies = useCompanies(kind === "company");
  const locations = useLocations(kind === "location");
  const name = (id: number) => {
    if (kind === "company") {
      const c = companies.data?.find((x) => x.id === id);
      return c ? c.name || c.legal_name || `#${id}` : `#${id}`;
    }
    return locations.data?.find((x) => x.id === id)?.name ?? `#${id}`;
  };
  const add = (id: number | null) => {
    if (id != null && !ids.includes(id)) onChange([...ids, id]);
  };
  const Picker = kind === "company" ? CompanyPicker : LocationPicker;
  return (
    <div className="admin-idlist">
      <Picker label={label} value={null} onChange={add} errors={errors} />
      {ids.length > 0 && (
        <ul className="admin-chips" aria-label={label}>
          {ids.map((id) => (
            <li key={id} className="admin-chip">
              {name(id)}
              <button type="button" onClick={() => onChange(ids.filter((x) => x !== id))} aria-label={t("removeItem", { name: name(id) })}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
