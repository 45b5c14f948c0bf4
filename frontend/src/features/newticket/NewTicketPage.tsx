/**
 * /app/tickets/new: an agent files a ticket, often on someone's behalf. The type (what this person
 * may file: GET /ticket-types/?fileable=1) brings its form; requester, company, location,
 * equipment, priority and planning are the ticket's own fields. POST /tickets/ gets only what is
 * set; the API's refusals show next to the fields they name. A draft survives a reload
 * (sessionStorage). Files are uploaded as they are chosen (features/filing: the ticket adopts
 * them when it is filed), so a required file field can be filled before filing.
 * Ctrl/⌘+Enter submits.
 */
import { type FormEvent, type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import {
  checkFields,
  CompanyPicker,
  customFieldErrorNames,
  CustomFieldsForm,
  EquipmentPicker,
  type FieldValues,
  type FormFieldDef,
  isoToZonedInput,
  LocationPicker,
  PersonPicker,
  toApiFields,
  zonedInputToIso,
} from "@/features/forms";
import { type NewTicketBody, useFileTicket, useUploads } from "@/features/filing";
import { useDateFormat } from "@/shared/format/datetime";
import { useShortcuts } from "@/shared/keyboard";
import { useSession } from "@/shared/session/SessionContext";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { type TicketType, useFileableTypes } from "./api";
import { clearDraft, type Draft, draftKey, emptyDraft, loadDraft, saveDraft } from "./draft";
import "./newticket.css";

const PRIORITIES = [1, 2, 3, 4] as const;
const CHANNELS = ["web", "phone", "email"] as const;
const SHOWN = [
  "type",
  "title",
  "description",
  "priority",
  "requester",
  "company",
  "location",
  "equipment",
  "planned_start",
  "planned_finish",
  "channel",
  "fields",
];

type Issue = "required" | "number";

/** The body POST /tickets/ gets: only what is set. */
export function ticketBody(draft: Draft & { channel?: string }, form: FormFieldDef[]): NewTicketBody {
  const body: NewTicketBody = { type: draft.type, title: draft.title };
  if (draft.description.trim()) body.description = draft.description;
  if (draft.priority != null) body.priority = draft.priority;
  if (draft.requester != null) body.requester = draft.requester;
  if (draft.company != null) body.company = draft.company;
  if (draft.location != null) body.location = draft.location;
  if (draft.equipment != null) body.equipment = draft.equipment;
  if (draft.plannedStart) body.planned_start = draft.plannedStart;
  if (draft.plannedFinish) body.planned_finish = draft.plannedFinish;
  if (draft.channel) body.channel = draft.channel;
  const fields = toApiFields(form, draft.fields);
  if (Object.keys(fields).length) body.fields = fields;
  return body;
}

export default function NewTicketPage() {
  const { t } = useTranslation("newticket");
  usePageTitle(t("title"));
  const { user } = useSession();
  const types = useFileableTypes();
  if (types.isLoading) return <PageLoading />;
  return (
    <div className="a-page nt-page">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{t("subtitle")}</p>
        </div>
      </div>
      {types.error ? (
        <ErrorAlert error={types.error} />
      ) : (types.data ?? []).length === 0 ? (
        <div className="a-card a-empty">{t("noTypes")}</div>
      ) : (
        <NewTicketForm types={types.data ?? []} storageKey={draftKey(user.id)} />
      )}
    </div>
  );
}

function NewTicketForm({ types, storageKey }: { types: TicketType[]; storageKey: string }) {
  const { t } = useTranslation("newticket");
  const fmt = useDateFormat();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(() => {
    const saved = loadDraft(storageKey);
    return types.some((type) => type.code === saved.type) ? saved : { ...saved, type: "" };
  });
  const [channel, setChannel] = useState<string>("web");
  const [validate, setValidate] = useState(false);
  const [equipmentAt, setEquipmentAt] = useState<number | null>(null);
  const done = useRef(false);

  useEffect(() => {
    if (!done.current) saveDraft(storageKey, draft);
  }, [storageKey, draft]);

  const type = types.find((candidate) => candidate.code === draft.type);
  const form = useMemo(() => type?.form_fields ?? [], [type]);

  const uploads = useUploads();
  const { formRef, mutation, submit: send, showInvalid } = useFileTicket({
    uploads,
    onFiled: (ticket) => {
      done.current = true;
      clearDraft(storageKey);
      notify(t("created", { key: ticket.key }));
      void navigate(`/tickets/${ticket.id}`);
    },
  });

  const change = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const issues: Record<string, Issue> = {};
  if (!draft.type) issues.type = "required";
  if (!draft.title.trim()) issues.title = "required";
  const fieldIssues = checkFields(form, draft.fields);
  const clientMessage = (name: string): string[] => (validate && issues[name] ? [t(`check.${issues[name]}`)] : []);
  const errorsOf = (name: string) => {
    const all = [...clientMessage(name), ...(fieldErrors(mutation.error, name) ?? [])];
    return all.length ? all : undefined;
  };

  const submit = () => {
    if (mutation.isPending || uploads.busy) return;
    if (Object.keys(issues).length || Object.keys(fieldIssues).length) {
      setValidate(true);
      showInvalid();
      return;
    }
    send(ticketBody({ ...draft, channel }, form));
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  };
  useShortcuts([{ keys: ["Control+Enter"], label: "newticket:keys.submit", group: "newticket:keys.group", run: () => {}, displayOnly: true }]);

  const chooseType = (code: string) => {
    const next = types.find((candidate) => candidate.code === code);
    const keys = new Set((next?.form_fields ?? []).map((f) => f.key));
    // keep what was typed into fields the new type has too
    const fields: FieldValues = Object.fromEntries(Object.entries(draft.fields).filter(([key]) => keys.has(key)));
    change({ type: code, fields });
  };

  const reset = () => {
    clearDraft(storageKey);
    setDraft(emptyDraft);
    setValidate(false);
    mutation.reset();
  };

  const ids = { type: useId(), description: useId(), priority: useId(), channel: useId(), files: useId() };
  const failedUploads = uploads.items.filter((item) => item.state === "failed");
  const typeErrors = errorsOf("type");
  const descriptionErrors = errorsOf("description");
  const priorityErrors = errorsOf("priority");
  const defaultPriority = type?.default_priority ?? 2;

  return (
    <form ref={formRef} className="nt-form" onSubmit={onSubmit} onKeyDown={onKeyDown} noValidate aria-labelledby="nt-heading">
      <h2 id="nt-heading" className="a-visually-hidden">
        {t("title")}
      </h2>
      <ErrorAlert error={mutation.error} shownFields={[...SHOWN, ...customFieldErrorNames(form.map((f) => f.key))]} title={t("refused")} />
      <div className="nt-grid">
        <section className="a-card nt-card nt-main" aria-labelledby="nt-what">
          <h2 id="nt-what" className="nt-card__title">
            {t("section.what")}
          </h2>
          <div className={`a-field${typeErrors ? " a-field--invalid" : ""}`}>
            <label className="a-field__label" htmlFor={ids.type}>
              {t("field.type")}
              <span className="a-required" aria-hidden="true">
                {" *"}
              </span>
            </label>
            <select
              id={ids.type}
              className="a-input"
              value={draft.type}
              aria-required
              aria-invalid={typeErrors ? true : undefined}
              aria-describedby={[type?.description ? `${ids.type}-hint` : "", typeErrors ? `${ids.type}-error` : ""].filter(Boolean).join(" ") || undefined}
              onChange={(e) => chooseType(e.target.value)}
            >
              <option value="">{t("choose")}</option>
              {types.map((candidate) => (
                <option key={candidate.code} value={candidate.code}>
                  {candidate.name}
                </option>
              ))}
            </select>
            {type?.description && (
              <div id={`${ids.type}-hint`} className="a-field__hint">
                {type.description}
              </div>
            )}
            {typeErrors && (
              <ul id={`${ids.type}-error`} className="a-field__errors">
                {typeErrors.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
          </div>
          <TextField
            label={
              <>
                {t("field.title")}
                <span className="a-required" aria-hidden="true">
                  {" *"}
                </span>
              </>
            }
            aria-required
            maxLength={300}
            value={draft.title}
            onChange={(e) => change({ title: e.target.value })}
            errors={errorsOf("title")}
          />
          <div className={`a-field${descriptionErrors ? " a-field--invalid" : ""}`}>
            <label className="a-field__label" htmlFor={ids.description}>
              {t("field.description")}
            </label>
            <textarea
              id={ids.description}
              className="a-input nt-description"
              rows={5}
              value={draft.description}
              aria-invalid={descriptionErrors ? true : undefined}
              aria-describedby={descriptionErrors ? `${ids.description}-error` : undefined}
              onChange={(e) => change({ description: e.target.value })}
            />
            {descriptionErrors && (
              <ul id={`${ids.description}-error`} className="a-field__errors">
                {descriptionErrors.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
          </div>
          {type && form.length > 0 && (
            <section className="nt-fields" aria-labelledby="nt-fields">
              <h3 id="nt-fields" className="nt-subtitle">
                {t("section.fields", { type: type.name })}
              </h3>
              <CustomFieldsForm
                fields={form}
                values={draft.fields}
                onChange={(fields) => change({ fields })}
                error={mutation.error}
                validate={validate}
                idPrefix="nt-f"
                attachments={uploads.ready}
                onUpload={async (file) => (await uploads.add([file]))[0] ?? null}
              />
            </section>
          )}
          <section className="nt-files" aria-labelledby="nt-files">
            <h3 id="nt-files" className="nt-subtitle">
              {t("section.files")}
            </h3>
            <div>
              <input
                id={ids.files}
                className="a-visually-hidden"
                type="file"
                multiple
                onChange={(e) => {
                  const files = [...(e.target.files ?? [])];
                  e.target.value = "";
                  if (files.length) void uploads.add(files);
                }}
              />
              <label className="a-btn a-btn--sm nt-files__button" htmlFor={ids.files}>
                {t("files.add")}
              </label>
            </div>
            {failedUploads.length > 0 && (
              <Alert tone="warning">{t("files.failed", { names: failedUploads.map((item) => item.name).join(", ") })}</Alert>
            )}
            {uploads.items.length > 0 && (
              <ul className="nt-files__list" aria-label={t("files.chosen")}>
                {uploads.items.map((item) => (
                  <li key={item.key}>
                    <span>{item.name}</span>
                    <span className="nt-files__state">{t(`files.state.${item.state}`)}</span>
                    <Button size="sm" variant="ghost" type="button" aria-label={t("files.remove", { name: item.name })} onClick={() => uploads.remove(item.key)}>
                      ×
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </section>

        <div className="nt-side">
          <section className="a-card nt-card" aria-labelledby="nt-who">
            <h2 id="nt-who" className="nt-card__title">
              {t("section.who")}
            </h2>
            <PersonPicker
              label={t("field.requester")}
              hint={t("hint.requester")}
              value={draft.requester}
              errors={errorsOf("requester")}
              onChange={(id, person) =>
                change(id == null ? { requester: null } : { requester: id, ...(person ? { company: person.company ?? null } : {}) })
              }
            />
            <CompanyPicker
              label={t("field.company")}
              hint={t("hint.company")}
              value={draft.company}
              errors={errorsOf("company")}
              onChange={(id) => change({ company: id })}
            />
            <div className="nt-row">
              <div className={`a-field${priorityErrors ? " a-field--invalid" : ""}`}>
                <label className="a-field__label" htmlFor={ids.priority}>
                  {t("field.priority")}
                </label>
                <select
                  id={ids.priority}
                  className="a-input"
                  value={String(draft.priority ?? defaultPriority)}
                  aria-invalid={priorityErrors ? true : undefined}
                  aria-describedby={priorityErrors ? `${ids.priority}-error` : undefined}
                  onChange={(e) => change({ priority: Number(e.target.value) })}
                >
                  {PRIORITIES.map((p) => (
                    <option key={p} value={p}>
                      {t(`priority.${p}`)}
                    </option>
                  ))}
                </select>
                {priorityErrors && (
                  <ul id={`${ids.priority}-error`} className="a-field__errors">
                    {priorityErrors.map((m) => (
                      <li key={m}>{m}</li>
                    ))}
                  </ul>
                )}
              </div>
              <div className="a-field">
                <label className="a-field__label" htmlFor={ids.channel}>
                  {t("field.channel")}
                </label>
                <select id={ids.channel} className="a-input" value={channel} onChange={(e) => setChannel(e.target.value)}>
                  {CHANNELS.map((c) => (
                    <option key={c} value={c}>
                      {t(`channel.${c}`)}
                    </option>
                  ))}
                </select>
                {fieldErrors(mutation.error, "channel") && (
                  <ul className="a-field__errors">
                    {fieldErrors(mutation.error, "channel")!.map((m) => (
                      <li key={m}>{m}</li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
          </section>

          <section className="a-card nt-card" aria-labelledby="nt-where">
            <h2 id="nt-where" className="nt-card__title">
              {t("section.where")}
            </h2>
            <LocationPicker
              label={t("field.location")}
              value={draft.location}
              errors={errorsOf("location")}
              onChange={(id) => {
                const keepEquipment = draft.equipment != null && (id == null || equipmentAt === id);
                change({ location: id, ...(keepEquipment ? {} : { equipment: null }) });
              }}
            />
            <EquipmentPicker
              label={t("field.equipment")}
              hint={draft.location ? t("hint.equipmentAt") : t("hint.equipmentAll")}
              location={draft.location}
              value={draft.equipment}
              errors={errorsOf("equipment")}
              onChange={(id, item) => {
                setEquipmentAt(item?.location ?? null);
                change({ equipment: id, ...(id != null && draft.location == null && item?.location ? { location: item.location } : {}) });
              }}
            />
          </section>

          <section className="a-card nt-card" aria-labelledby="nt-plan">
            <h2 id="nt-plan" className="nt-card__title">
              {t("section.planning")}
            </h2>
            <div className="nt-row">
              <TextField
                label={t("field.plannedStart")}
                type="datetime-local"
                value={isoToZonedInput(draft.plannedStart, fmt.timeZone)}
                onChange={(e) => change({ plannedStart: e.target.value ? (zonedInputToIso(e.target.value, fmt.timeZone) ?? null) : null })}
                errors={errorsOf("planned_start")}
              />
              <TextField
                label={t("field.plannedFinish")}
                type="datetime-local"
                value={isoToZonedInput(draft.plannedFinish, fmt.timeZone)}
                onChange={(e) => change({ plannedFinish: e.target.value ? (zonedInputToIso(e.target.value, fmt.timeZone) ?? null) : null })}
                errors={errorsOf("planned_finish")}
              />
            </div>
          </section>
        </div>
      </div>
      <div className="nt-actions">
        <Button type="submit" variant="primary" busy={mutation.isPending} disabled={uploads.busy} aria-keyshortcuts="Control+Enter">
          {t("submit")}
        </Button>
        <span className="nt-actions__hint" aria-hidden="true">
          {t("submitHint")}
        </span>
        <Button type="button" variant="ghost" onClick={reset} className="nt-actions__reset">
          {t("reset")}
        </Button>
      </div>
    </form>
  );
}
