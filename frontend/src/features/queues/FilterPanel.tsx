import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "@/shared/session/SessionContext";
import { Button } from "@/shared/ui";
import { fetchCompanies, fetchEquipment, fetchGroups, fetchLocations, fetchTicketTypes, fetchWorkflows, type FormField, type Location } from "./api";
import { MultiSelect, type Option } from "./MultiSelect";
import { PersonPicker } from "./PersonPicker";
import { isoToZonedDate, zonedToIso } from "./zoned";

export const CATEGORIES = ["new", "open", "waiting", "resolved", "closed", "cancelled"] as const;
export const PRIORITIES = ["1", "2", "3", "4"] as const;
export const CHANNELS = ["web", "api", "email", "telegram", "qr", "phone", "schedule", "federation"] as const;
export const SLA_STATES = ["breached", "warning", "running", "paused", "met"] as const;

/** URL keys the panel owns (the "Clear filters" button removes these, never `ordering`). */
export const FILTER_KEYS = [
  "type",
  "status",
  "category",
  "priority",
  "group",
  "assignee",
  "requester",
  "company",
  "location",
  "equipment",
  "channel",
  "created_after",
  "created_before",
  "updated_after",
  "planned_finish_after",
  "planned_finish_before",
  "sla_state",
  "sla_breaching_within",
  "q",
];

export function countFilters(search: URLSearchParams): number {
  return new Set([...search.keys()].filter((k) => (FILTER_KEYS.includes(k) && k !== "q") || k.startsWith("f."))).size;
}

type Update = (mutate: (next: URLSearchParams) => void) => void;

const csv = (search: URLSearchParams, key: string) => (search.get(key) ?? "").split(",").filter(Boolean);

function setCsv(update: Update, key: string, values: string[]) {
  update((next) => (values.length ? next.set(key, values.join(",")) : next.delete(key)));
}

function setOne(update: Update, key: string, value: string | null | undefined) {
  update((next) => (value ? next.set(key, value) : next.delete(key)));
}

/** A native select with a label and "Any" first. */
function SelectFilter({ label, value, options, onChange }: { label: string; value: string; options: Option[]; onChange: (value: string) => void }) {
  const { t } = useTranslation("queues");
  const id = useId();
  return (
    <div className="a-field queues-filter">
      <label className="a-field__label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="a-input" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t("filters.any")}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A text-like input that writes to the URL after a short pause (back/forward still work). */
function TextFilter({ label, value, type = "text", onChange }: { label: string; value: string; type?: string; onChange: (value: string) => void }) {
  const id = useId();
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onChange(text), 500);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);
  return (
    <div className="a-field queues-filter">
      <label className="a-field__label" htmlFor={id}>
        {label}
      </label>
      <input id={id} className="a-input" type={type} value={text} onChange={(e) => setText(e.target.value)} onBlur={() => text !== value && onChange(text)} />
    </div>
  );
}

function DateFilter({ label, param, search, update }: { label: string; param: string; search: URLSearchParams; update: Update }) {
  const id = useId();
  const timeZone = useSession().account.time_zone;
  return (
    <div className="a-field queues-filter">
      <label className="a-field__label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="a-input"
        type="date"
        value={isoToZonedDate(search.get(param), timeZone)}
        onChange={(e) => setOne(update, param, e.target.value ? zonedToIso(e.target.value, timeZone) : null)}
      />
    </div>
  );
}

/** Locations as an indented list (the tree from GET /locations/: parents before children). */
export function locationOptions(locations: Location[]): Option[] {
  const children = new Map<number | null, Location[]>();
  for (const l of locations) {
    const parent = l.parent ?? null;
    children.set(parent, [...(children.get(parent) ?? []), l]);
  }
  const known = new Set(locations.map((l) => l.id));
  const out: Option[] = [];
  const walk = (parent: number | null, depth: number) => {
    for (const l of (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name))) {
      out.push({ value: String(l.id), label: `${"\u00a0\u00a0\u00a0".repeat(depth)}${l.name}` });
      walk(l.id, depth + 1);
    }
  };
  walk(null, 0);
  // orphans (a parent we may not see): at the top level
  for (const [parent, list] of children) if (parent != null && !known.has(parent)) for (const l of list) if (!out.some((o) => o.value === String(l.id))) out.push({ value: String(l.id), label: l.name });
  return out;
}

function CustomFieldFilter({ field, search, update }: { field: FormField; search: URLSearchParams; update: Update }) {
  const { t } = useTranslation("queues");
  const param = `f.${field.key}`;
  const value = search.get(param) ?? "";
  const set = (v: string) => setOne(update, param, v);
  const choices = Array.isArray(field.choices) ? (field.choices as unknown[]).map(String) : [];
  if ((field.kind === "choice" || field.kind === "multi_choice") && choices.length)
    return <SelectFilter label={field.label} value={value} options={choices.map((c) => ({ value: c, label: c }))} onChange={set} />;
  if (field.kind === "boolean")
    return (
      <SelectFilter
        label={field.label}
        value={value}
        options={[
          { value: "true", label: t("filters.yes") },
          { value: "false", label: t("filters.no") },
        ]}
        onChange={set}
      />
    );
  if (field.kind === "file" || field.kind === "datetime") return null; // no equality to search for
  return <TextFilter label={field.label} value={value} type={field.kind === "number" ? "number" : field.kind === "date" ? "date" : "text"} onChange={set} />;
}

/** Filters on every field the list endpoint filters by, custom fields of the chosen types included. */
export function FilterPanel({ search, update, onClear }: { search: URLSearchParams; update: Update; onClear: () => void }) {
  const { t } = useTranslation("queues");
  const types = useQuery({ queryKey: ["ticket-types"], queryFn: fetchTicketTypes, staleTime: 300_000 });
  const workflows = useQuery({ queryKey: ["workflows"], queryFn: fetchWorkflows, staleTime: 300_000 });
  const groups = useQuery({ queryKey: ["groups"], queryFn: fetchGroups, staleTime: 300_000 });
  const companies = useQuery({ queryKey: ["companies"], queryFn: fetchCompanies, staleTime: 300_000 });
  const locations = useQuery({ queryKey: ["locations"], queryFn: fetchLocations, staleTime: 300_000 });
  const equipment = useQuery({ queryKey: ["equipment"], queryFn: fetchEquipment, staleTime: 300_000 });

  const chosenTypes = csv(search, "type");
  const typeList = types.data ?? [];
  const statusOptions = useMemo(() => {
    const relevant = chosenTypes.length ? new Set(typeList.filter((ty) => chosenTypes.includes(ty.code)).map((ty) => ty.workflow)) : null;
    const seen = new Map<string, string>();
    for (const wf of workflows.data ?? []) {
      if (relevant && !relevant.has(wf.id)) continue;
      for (const st of wf.statuses) if (!seen.has(st.key)) seen.set(st.key, st.name);
    }
    return [...seen].map(([value, label]) => ({ value, label }));
  }, [workflows.data, typeList, chosenTypes.join(",")]); // eslint-disable-line react-hooks/exhaustive-deps
  const customFields = useMemo(() => {
    const seen = new Map<string, FormField>();
    for (const ty of typeList) if (chosenTypes.includes(ty.code)) for (const f of ty.form_fields ?? []) if (!seen.has(f.key)) seen.set(f.key, f);
    return [...seen.values()];
  }, [typeList, chosenTypes.join(",")]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <section className="queues-filters" aria-label={t("filters.title")}>
      <div className="queues-filters__grid">
        <MultiSelect label={t("columns.type")} options={typeList.map((ty) => ({ value: ty.code, label: ty.name }))} values={chosenTypes} onChange={(v) => setCsv(update, "type", v)} />
        <MultiSelect label={t("columns.status")} options={statusOptions} values={csv(search, "status")} onChange={(v) => setCsv(update, "status", v)} />
        <MultiSelect
          label={t("filters.category")}
          options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
          values={search.getAll("category")}
          onChange={(v) =>
            update((next) => {
              next.delete("category");
              for (const c of v) next.append("category", c);
            })
          }
        />
        <MultiSelect label={t("columns.priority")} options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))} values={csv(search, "priority")} onChange={(v) => setCsv(update, "priority", v)} />
        <SelectFilter
          label={t("columns.group")}
          value={search.get("group") ?? ""}
          options={[{ value: "mine", label: t("filters.myGroups") }, ...(groups.data ?? []).map((g) => ({ value: String(g.id), label: g.name }))]}
          onChange={(v) => setOne(update, "group", v)}
        />
        <PersonPicker
          label={t("columns.assignee")}
          value={search.get("assignee")}
          onChange={(v) => setOne(update, "assignee", v)}
          agentsOnly
          extra={[
            { id: "me", label: t("filters.me") },
            { id: "none", label: t("unassigned") },
          ]}
        />
        <PersonPicker label={t("columns.requester")} value={search.get("requester")} onChange={(v) => setOne(update, "requester", v)} extra={[{ id: "me", label: t("filters.me") }]} />
        <SelectFilter
          label={t("columns.company")}
          value={search.get("company") ?? ""}
          options={(companies.data ?? []).map((c) => ({ value: String(c.id), label: c.name || c.legal_name || `#${c.id}` }))}
          onChange={(v) => setOne(update, "company", v)}
        />
        <SelectFilter label={t("columns.location")} value={search.get("location") ?? ""} options={locationOptions(locations.data ?? [])} onChange={(v) => setOne(update, "location", v)} />
        <SelectFilter
          label={t("filters.equipment")}
          value={search.get("equipment") ?? ""}
          options={(equipment.data ?? []).map((e) => ({ value: String(e.id), label: e.name }))}
          onChange={(v) => setOne(update, "equipment", v)}
        />
        <SelectFilter label={t("filters.channel")} value={search.get("channel") ?? ""} options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))} onChange={(v) => setOne(update, "channel", v)} />
        <SelectFilter label={t("filters.slaState")} value={search.get("sla_state") ?? ""} options={SLA_STATES.map((s) => ({ value: s, label: t(`sla.state.${s}`) }))} onChange={(v) => setOne(update, "sla_state", v)} />
        <TextFilter label={t("filters.slaWithin")} type="number" value={search.get("sla_breaching_within") ?? ""} onChange={(v) => setOne(update, "sla_breaching_within", v.trim())} />
        <DateFilter label={t("filters.createdAfter")} param="created_after" search={search} update={update} />
        <DateFilter label={t("filters.createdBefore")} param="created_before" search={search} update={update} />
        <DateFilter label={t("filters.updatedAfter")} param="updated_after" search={search} update={update} />
        <DateFilter label={t("filters.plannedAfter")} param="planned_finish_after" search={search} update={update} />
        <DateFilter label={t("filters.plannedBefore")} param="planned_finish_before" search={search} update={update} />
      </div>
      {customFields.length > 0 && (
        <fieldset className="queues-filters__custom">
          <legend>{t("filters.custom")}</legend>
          <div className="queues-filters__grid">
            {customFields.map((f) => (
              <CustomFieldFilter key={f.key} field={f} search={search} update={update} />
            ))}
          </div>
        </fieldset>
      )}
      <div className="queues-filters__actions">
        <Button size="sm" variant="ghost" onClick={onClear} disabled={countFilters(search) === 0}>
          {t("filters.clear")}
        </Button>
      </div>
    </section>
  );
}
