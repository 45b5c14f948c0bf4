import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "@/api/client";
import { Link, useNavigate, useParams } from "react-router";
import { type FormField, useChecklistTemplates, useGroups, useTicketTypes } from "@/features/admin/api";
import { CustomFieldsForm, customFieldErrorNames, EquipmentPicker, type FieldValues, type FormFieldDef, isoToZonedInput, LocationPicker, PersonPicker, toApiFields, zonedInputToIso } from "@/features/forms";
import { useDateFormat } from "@/shared/format/datetime";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { HOLIDAYS, keys, MODES, type PeriodUnit, PERIOD_UNITS, type Schedule, useSchedule } from "./api";
import { LoadError } from "./NotAllowed";
import "./maintenance.css";

const PRIORITIES = [1, 2, 3, 4] as const;

export interface Draft {
  name: string;
  is_active: boolean;
  ticket_type: number | "";
  title: string;
  description: string;
  fields: FieldValues;
  priority: number | "";
  location: number | null;
  equipment: number | null;
  checklist: number | "";
  group: number | "";
  requester: number | null;
  first_at: string; // datetime-local, in the account's zone
  period_unit: PeriodUnit;
  interval: string;
  rrule: string;
  ends_on: string;
  lead_days: string;
  holidays: NonNullable<Schedule["holidays"]>;
  mode: NonNullable<Schedule["mode"]>;
}

export function draftOf(s: Schedule | undefined, timeZone: string | undefined): Draft {
  return {
    name: s?.name ?? "",
    is_active: s?.is_active ?? true,
    ticket_type: s?.ticket_type ?? "",
    title: s?.title ?? "",
    description: s?.description ?? "",
    fields: (s?.fields && typeof s.fields === "object" ? s.fields : {}) as FieldValues,
    priority: s?.priority ?? "",
    location: s?.location ?? null,
    equipment: s?.equipment ?? null,
    checklist: s?.checklist ?? "",
    group: s?.group ?? "",
    requester: s?.requester ?? null,
    first_at: s ? isoToZonedInput(s.first_at, timeZone) : "",
    period_unit: s?.period_unit ?? "months",
    interval: String(s?.interval ?? 1),
    rrule: s?.rrule ?? "",
    ends_on: s?.ends_on ?? "",
    lead_days: String(s?.lead_days ?? 0),
    holidays: s?.holidays ?? "keep",
    mode: s?.mode ?? "grid",
  };
}

const intOrNull = (v: string) => (v.trim() === "" || Number.isNaN(Number(v)) ? null : Number(v));

/** The body the API takes: every field of docs/schedules.md, as typed (the API validates). */
export function bodyOf(d: Draft, form: FormFieldDef[], timeZone: string | undefined) {
  return {
    name: d.name.trim(),
    is_active: d.is_active,
    ticket_type: d.ticket_type === "" ? null : d.ticket_type,
    title: d.title.trim(),
    description: d.description,
    fields: toApiFields(form, d.fields),
    priority: d.priority === "" ? null : d.priority,
    location: d.location,
    equipment: d.equipment,
    checklist: d.checklist === "" ? null : d.checklist,
    group: d.group === "" ? null : d.group,
    ...(d.requester != null ? { requester: d.requester } : {}),
    first_at: zonedInputToIso(d.first_at, timeZone) ?? null,
    period_unit: d.period_unit,
    interval: d.period_unit === "rrule" ? 1 : intOrNull(d.interval),
    rrule: d.period_unit === "rrule" ? d.rrule.trim() : "",
    ends_on: d.ends_on || null,
    lead_days: intOrNull(d.lead_days),
    holidays: d.holidays,
    mode: d.mode,
  };
}

const SHOWN = ["name", "is_active", "ticket_type", "title", "description", "fields", "priority", "location", "equipment", "checklist", "group", "requester", "first_at", "period_unit", "interval", "rrule", "ends_on", "lead_days", "holidays", "mode"];

/** /app/maintenance/schedules/new and /:id: one schedule, every field. */
export default function ScheduleEditPage() {
  const { id: raw } = useParams();
  const id = raw && raw !== "new" ? Number(raw) : null;
  const schedule = useSchedule(id);
  const fmt = useDateFormat();
  const { t } = useTranslation("maintenance");
  if (id != null && (schedule.isPending || schedule.error)) {
    return (
      <div className="a-page mnt-page">
        <h1>{t("schedules.edit")}</h1>
        {schedule.isPending ? <PageLoading /> : <LoadError error={schedule.error} />}
      </div>
    );
  }
  return <Editor key={id ?? "new"} id={id} initial={draftOf(schedule.data, fmt.timeZone)} savedName={schedule.data?.name} />;
}

function Field({ id, label, errors, children, hint }: { id: string; label: ReactNode; errors?: string[] | undefined; children: ReactNode; hint?: ReactNode }) {
  return (
    <div className={`a-field${errors?.length ? " a-field--invalid" : ""}`}>
      <label className="a-field__label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint && (
        <div id={`${id}-hint`} className="a-field__hint">
          {hint}
        </div>
      )}
      {errors?.length ? (
        <ul id={`${id}-error`} className="a-field__errors">
          {errors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Editor({ id, initial, savedName }: { id: number | null; initial: Draft; savedName: string | undefined }) {
  const { t } = useTranslation("maintenance");
  usePageTitle(id ? t("schedules.editOf", { name: savedName ?? "" }) : t("schedules.new"));
  const fmt = useDateFormat();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const uid = useId();
  const ids = (name: string) => `mnt-${uid}-${name}`;
  const types = useTicketTypes();
  const groups = useGroups();
  const checklists = useChecklistTemplates();
  const [d, setD] = useState(initial);
  const [confirming, setConfirming] = useState(false);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const type = types.data?.find((x) => x.id === d.ticket_type);
  const form = (type?.form_fields ?? []) as FormField[] as FormFieldDef[];
  const typeChecklists = (checklists.data ?? []).filter((c) => c.ticket_type === d.ticket_type);

  const save = useMutation({
    mutationFn: () => {
      const body = bodyOf(d, form, fmt.timeZone) as unknown as Schedule;
      return id ? unwrapPut(id, body) : unwrapPost(body);
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: keys.all });
      notify(t("schedules.saved", { name: saved.name }));
      if (!id) navigate(`/maintenance/schedules/${saved.id}`, { replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrapDelete(id!),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.all });
      notify(t("schedules.deleted", { name: savedName ?? "" }));
      navigate("/maintenance/schedules", { replace: true });
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const err = (name: string) => fieldErrors(save.error, name);
  const describedBy = (name: string) => (err(name) ? `${ids(name)}-error` : undefined);
  const select = (name: string) => ({ id: ids(name), className: "a-input", "aria-invalid": err(name) ? true : undefined, "aria-describedby": describedBy(name) });

  return (
    <form className="a-page mnt-page" onSubmit={onSubmit} noValidate>
      <div className="a-page__header">
        <div>
          <p className="mnt-breadcrumb">
            <Link to="/maintenance/schedules">{t("schedules.title")}</Link>
          </p>
          <h1>{id ? t("schedules.editOf", { name: savedName ?? "" }) : t("schedules.new")}</h1>
        </div>
        <div className="mnt-actions">
          {id && (
            <Button variant="ghost" onClick={() => setConfirming(true)}>
              {t("schedules.delete")}
            </Button>
          )}
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t("shared:actions.save")}
          </Button>
        </div>
      </div>
      {confirming && (
        <Alert tone="warning" title={t("schedules.confirmDelete", { name: savedName ?? "" })}>
          <p>{t("schedules.confirmDeleteBody")}</p>
          <div className="mnt-actions">
            <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate()}>
              {t("schedules.deleteConfirmed")}
            </Button>
            <Button onClick={() => setConfirming(false)}>{t("shared:actions.cancel")}</Button>
          </div>
        </Alert>
      )}
      <ErrorAlert error={remove.error} />
      <ErrorAlert error={save.error} shownFields={[...SHOWN, ...customFieldErrorNames(form.map((f) => f.key))]} />

      <section className="a-card mnt-section" aria-labelledby={ids("s-ticket")}>
        <h2 id={ids("s-ticket")}>{t("editor.ticket")}</h2>
        <div className="mnt-grid">
          <TextField label={t("fields.name")} value={d.name} onChange={(e) => set({ name: e.target.value })} errors={err("name")} hint={t("hints.name")} />
          <Field id={ids("ticket_type")} label={t("fields.ticket_type")} errors={err("ticket_type")}>
            <select {...select("ticket_type")} value={d.ticket_type} onChange={(e) => set({ ticket_type: e.target.value ? Number(e.target.value) : "", fields: {}, checklist: "" })}>
              <option value="">{t("editor.choose")}</option>
              {(types.data ?? []).map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id={ids("priority")} label={t("fields.priority")} errors={err("priority")}>
            <select {...select("priority")} value={d.priority} onChange={(e) => set({ priority: e.target.value ? Number(e.target.value) : "" })}>
              <option value="">{t("editor.typeDefault")}</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <TextField label={t("fields.title")} value={d.title} onChange={(e) => set({ title: e.target.value })} errors={err("title")} />
        <Field id={ids("description")} label={t("fields.description")} errors={err("description")}>
          <textarea {...select("description")} rows={3} value={d.description} onChange={(e) => set({ description: e.target.value })} />
        </Field>
        {form.length > 0 && (
          <fieldset className="mnt-fieldset">
            <legend>{t("editor.formFields", { type: type?.name ?? "" })}</legend>
            <CustomFieldsForm fields={form} values={d.fields} onChange={(fields) => set({ fields })} error={save.error} idPrefix="mnt-cf" />
          </fieldset>
        )}
        {err("fields") && (
          <ul className="a-field__errors">
            {err("fields")!.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
        <div className="mnt-grid">
          <LocationPicker id={ids("location")} label={t("fields.location")} value={d.location} onChange={(location) => set({ location, equipment: null })} errors={err("location")} />
          <EquipmentPicker id={ids("equipment")} label={t("fields.equipment")} value={d.equipment} location={d.location} onChange={(equipment) => set({ equipment })} errors={err("equipment")} />
          <Field id={ids("checklist")} label={t("fields.checklist")} errors={err("checklist")}>
            <select {...select("checklist")} value={d.checklist} onChange={(e) => set({ checklist: e.target.value ? Number(e.target.value) : "" })}>
              <option value="">{t("editor.none")}</option>
              {typeChecklists.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id={ids("group")} label={t("fields.group")} errors={err("group")} hint={t("hints.group")}>
            <select {...select("group")} value={d.group} onChange={(e) => set({ group: e.target.value ? Number(e.target.value) : "" })}>
              <option value="">{t("editor.byRouting")}</option>
              {(groups.data ?? []).map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </Field>
          <PersonPicker id={ids("requester")} label={t("fields.requester")} value={d.requester} onChange={(requester) => set({ requester })} errors={err("requester")} hint={t("hints.requester")} />
        </div>
      </section>

      <section className="a-card mnt-section" aria-labelledby={ids("s-when")}>
        <h2 id={ids("s-when")}>{t("editor.when")}</h2>
        <div className="mnt-grid">
          <TextField type="datetime-local" label={t("fields.first_at")} value={d.first_at} onChange={(e) => set({ first_at: e.target.value })} errors={err("first_at")} hint={fmt.timeZone ? t("hints.zone", { zone: fmt.timeZone }) : undefined} />
          <Field id={ids("period_unit")} label={t("fields.period_unit")} errors={err("period_unit")}>
            <select {...select("period_unit")} value={d.period_unit} onChange={(e) => set({ period_unit: e.target.value as PeriodUnit })}>
              {PERIOD_UNITS.map((u) => (
                <option key={u} value={u}>
                  {t(`periodUnit.${u}`)}
                </option>
              ))}
            </select>
          </Field>
          {d.period_unit === "rrule" ? (
            <TextField label={t("fields.rrule")} value={d.rrule} onChange={(e) => set({ rrule: e.target.value })} errors={err("rrule")} hint={t("hints.rrule")} spellCheck={false} />
          ) : (
            <TextField type="number" min={1} inputMode="numeric" label={t("fields.interval")} value={d.interval} onChange={(e) => set({ interval: e.target.value })} errors={err("interval")} hint={t(`intervalHint.${d.period_unit}`)} />
          )}
          <TextField type="date" label={t("fields.ends_on")} value={d.ends_on} onChange={(e) => set({ ends_on: e.target.value })} errors={err("ends_on")} hint={t("hints.endsOn")} />
          <TextField type="number" min={0} inputMode="numeric" label={t("fields.lead_days")} value={d.lead_days} onChange={(e) => set({ lead_days: e.target.value })} errors={err("lead_days")} hint={t("hints.leadDays")} />
          <Field id={ids("holidays")} label={t("fields.holidays")} errors={err("holidays")}>
            <select {...select("holidays")} value={d.holidays} onChange={(e) => set({ holidays: e.target.value as Draft["holidays"] })}>
              {HOLIDAYS.map((h) => (
                <option key={h} value={h}>
                  {t(`holidays.${h}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <fieldset className="mnt-fieldset">
          <legend>{t("fields.mode")}</legend>
          {MODES.map((m) => (
            <label key={m} className="mnt-radio">
              <input type="radio" name={ids("mode")} value={m} checked={d.mode === m} onChange={() => set({ mode: m })} />
              <span>
                {t(`mode.${m}`)}
                <span className="mnt-radio__hint">{t(`modeHint.${m}`)}</span>
              </span>
            </label>
          ))}
          {err("mode") && (
            <ul className="a-field__errors">
              {err("mode")!.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </fieldset>
        <label className="mnt-check">
          <input type="checkbox" checked={d.is_active} onChange={(e) => set({ is_active: e.target.checked })} />
          {t("fields.is_active")}
        </label>
        {err("is_active") && (
          <ul className="a-field__errors">
            {err("is_active")!.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
      </section>
      <div className="a-form__actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t("shared:actions.save")}
        </Button>
        <Link className="a-btn" to="/maintenance/schedules">
          {t("shared:actions.cancel")}
        </Link>
      </div>
    </form>
  );
}

function unwrapPost(body: Schedule) {
  return unwrap(api.POST("/api/v1/schedules/", { body }));
}
function unwrapPut(id: number, body: Schedule) {
  return unwrap(api.PUT("/api/v1/schedules/{id}/", { params: { path: { id } }, body }));
}
function unwrapDelete(id: number) {
  return unwrap(api.DELETE("/api/v1/schedules/{id}/", { params: { path: { id } } }));
}
