import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { api, isApiError, unwrap } from "@/api/client";
import { CustomFieldsForm, FIELD_KINDS, type FieldKind, type FieldValues } from "@/features/forms";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { keys, PRIORITIES, ROLES, type TicketType, useTicketTypes, useWorkflows } from "../api";
import { SortableList } from "../SortableList";
import { daysFromInput, useDeskSettings } from "./deskSettings";
import {
  addField,
  CHOICE_KINDS,
  type FieldDraft,
  fromFormFields,
  moveField,
  removeField,
  stepField,
  TEXT_KINDS,
  toFormFields,
  updateField,
} from "./formDoc";

interface Props {
  code: string;
  name: string;
  prefix: string;
  description: string;
  workflow: number | "";
  default_priority: number;
  filing_roles: string[];
  /** Days as typed; "" is null: the account's default (the desk settings). */
  auto_confirm_days: string;
  is_active: boolean;
}

function propsOf(type: TicketType | undefined): Props {
  return {
    code: type?.code ?? "",
    name: type?.name ?? "",
    prefix: type?.prefix ?? "",
    description: type?.description ?? "",
    workflow: type?.workflow ?? "",
    default_priority: type?.default_priority ?? 2,
    filing_roles: Array.isArray(type?.filing_roles) ? (type.filing_roles as string[]) : [],
    auto_confirm_days: type?.auto_confirm_days == null ? "" : String(type.auto_confirm_days),
    is_active: type?.is_active ?? true,
  };
}

/** /app/admin/types/:id (or /new): a type's settings and its form, built and previewed. */
export default function TypeEditPage() {
  const { id = "new" } = useParams();
  const { t } = useTranslation("admin");
  const types = useTicketTypes();
  const isNew = id === "new";
  const type = isNew ? undefined : types.data?.find((x) => String(x.id) === id);
  usePageTitle(type ? type.name : t("types.new"));
  if (types.isPending) return <PageLoading />;
  if (!isNew && !type)
    return (
      <div className="a-page admin-page">
        <h1>{t("types.title")}</h1>
        <ErrorAlert error={types.error} />
        {!types.error && <Alert tone="warning">{t("types.missing")}</Alert>}
      </div>
    );
  return <TypeEditor key={id} type={type} />;
}

function TypeEditor({ type }: { type: TicketType | undefined }) {
  const { t } = useTranslation("admin");
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const workflows = useWorkflows();
  const desk = useDeskSettings();
  const [props, setProps] = useState<Props>(() => propsOf(type));
  const [doc, setDoc] = useState<FieldDraft[]>(() => fromFormFields(type?.form_fields));
  const [preview, setPreview] = useState<FieldValues>({});
  const [newKind, setNewKind] = useState<FieldKind>("text");
  useEffect(() => {
    if (props.workflow === "" && workflows.data?.length) setProps((p) => ({ ...p, workflow: workflows.data[0]!.id }));
  }, [workflows.data, props.workflow]);
  const save = useMutation({
    mutationFn: () => {
      const body = { ...props, workflow: Number(props.workflow), default_priority: props.default_priority as 1 | 2 | 3 | 4, auto_confirm_days: daysFromInput(props.auto_confirm_days), form_fields: toFormFields(doc) } as TicketType; // id is read-only: the API takes the rest
      return type
        ? unwrap(api.PUT("/api/v1/ticket-types/{id}/", { params: { path: { id: type.id } }, body }))
        : unwrap(api.POST("/api/v1/ticket-types/", { body }));
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: keys.types });
      notify(t("types.saved", { name: saved.name }));
      if (!type) navigate(`/admin/types/${saved.id}`, { replace: true });
    },
  });
  const previewFields = useMemo(() => toFormFields(doc).map((f) => ({ ...f, label: f.label || t("types.untitled") })), [doc, t]);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const err = (name: string) => fieldErrors(save.error, name);
  const fieldErr = (i: number, name: string) => fieldErrors(save.error, `form_fields.${i}.${name}`);
  const set = <K extends keyof Props>(name: K, value: Props[K]) => setProps((p) => ({ ...p, [name]: value }));
  const shown = ["code", "name", "prefix", "description", "workflow", "default_priority", "filing_roles", "auto_confirm_days", "is_active"];
  const shownFields = [...shown, ...doc.flatMap((_f, i) => ["key", "label", "kind", "choices", "required", "help_text", "min_value", "max_value", "max_length"].map((n) => `form_fields.${i}.${n}`))];
  return (
    <form className="a-page admin-page" onSubmit={onSubmit} noValidate>
      <div className="a-page__header">
        <div>
          <p className="admin-breadcrumb">
            <Link to="/admin/types">{t("types.title")}</Link>
          </p>
          <h1>{type ? type.name : t("types.new")}</h1>
        </div>
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t("save")}
        </Button>
      </div>
      <ErrorAlert error={save.error} shownFields={isApiError(save.error) && save.error.fields["form_fields"] ? shownFields.filter((n) => n !== "form_fields") : shownFields} />
      {save.isSuccess && !save.isPending && <Alert tone="success">{t("types.savedShort")}</Alert>}
      <section className="a-card admin-section" aria-labelledby="type-settings">
        <h2 id="type-settings">{t("types.settings")}</h2>
        <div className="admin-grid">
          <TextField label={t("types.name")} value={props.name} onChange={(e) => set("name", e.target.value)} errors={err("name")} required />
          <TextField label={t("types.code")} value={props.code} onChange={(e) => set("code", e.target.value)} errors={err("code")} hint={t("types.codeHint")} required />
          <TextField label={t("types.prefix")} value={props.prefix} onChange={(e) => set("prefix", e.target.value)} errors={err("prefix")} hint={t("types.prefixHint")} required />
          <div className={`a-field${err("workflow") ? " a-field--invalid" : ""}`}>
            <label className="a-field__label" htmlFor="type-workflow">
              {t("types.workflow")}
            </label>
            <select id="type-workflow" className="a-input" value={props.workflow} onChange={(e) => set("workflow", e.target.value ? Number(e.target.value) : "")}>
              {(workflows.data ?? []).map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
            <FieldMessages id="type-workflow" messages={err("workflow")} />
          </div>
          <div className="a-field">
            <label className="a-field__label" htmlFor="type-priority">
              {t("types.defaultPriority")}
            </label>
            <select id="type-priority" className="a-input" value={props.default_priority} onChange={(e) => set("default_priority", Number(e.target.value))}>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </div>
          <TextField
            label={t("types.autoConfirmDays")}
            type="number"
            inputMode="numeric"
            min={0}
            max={365}
            value={props.auto_confirm_days}
            onChange={(e) => set("auto_confirm_days", e.target.value)}
            errors={err("auto_confirm_days")}
            hint={desk.data ? t("types.autoConfirmHint", { days: desk.data.auto_confirm_days }) : t("types.autoConfirmHintPlain")}
          />
          <label className="admin-check">
            <input type="checkbox" checked={props.is_active} onChange={(e) => set("is_active", e.target.checked)} />
            {t("types.active")}
          </label>
        </div>
        <div className="a-field">
          <label className="a-field__label" htmlFor="type-description">
            {t("types.description")}
          </label>
          <textarea id="type-description" className="a-input" rows={2} value={props.description} onChange={(e) => set("description", e.target.value)} />
        </div>
        <fieldset className="admin-fieldset">
          <legend>{t("types.filingRoles")}</legend>
          <div className="admin-checks">
            {ROLES.map((role) => (
              <label key={role} className="admin-check">
                <input
                  type="checkbox"
                  checked={props.filing_roles.includes(role)}
                  onChange={(e) => set("filing_roles", e.target.checked ? [...props.filing_roles, role] : props.filing_roles.filter((r) => r !== role))}
                />
                {t(`shared:roles.${role}`)}
              </label>
            ))}
          </div>
          <FieldMessages id="type-roles" messages={err("filing_roles")} />
        </fieldset>
      </section>

      <div className="admin-builder">
        <section className="a-card admin-section" aria-labelledby="type-form">
          <h2 id="type-form">{t("types.form")}</h2>
          <p className="admin-hint">{t("types.formHint")}</p>
          {fieldErrors(save.error, "form_fields") && <Alert tone="error">{fieldErrors(save.error, "form_fields")!.join(" ")}</Alert>}
          {doc.length === 0 && <p className="a-empty">{t("types.noFields")}</p>}
          <SortableList items={doc} idOf={(f) => f.uid} labelOf={(f) => f.label || f.key} onMove={(from, over) => setDoc((d) => moveField(d, from, over))}>
            {(field, handle, index) => (
              <FieldEditor
                field={field}
                index={index}
                count={doc.length}
                handle={handle}
                errors={(name) => fieldErr(index, name)}
                onChange={(patch) => setDoc((d) => updateField(d, field.uid, patch))}
                onRemove={() => setDoc((d) => removeField(d, field.uid))}
                onStep={(delta) => setDoc((d) => stepField(d, field.uid, delta))}
              />
            )}
          </SortableList>
          <div className="admin-add">
            <label htmlFor="type-new-kind" className="a-field__label">
              {t("types.newFieldKind")}
            </label>
            <select id="type-new-kind" className="a-input" value={newKind} onChange={(e) => setNewKind(e.target.value as FieldKind)}>
              {FIELD_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kinds.${k}`)}
                </option>
              ))}
            </select>
            <Button onClick={() => setDoc((d) => addField(d, newKind))}>{t("types.addField")}</Button>
          </div>
        </section>
        <section className="a-card admin-section admin-preview" aria-labelledby="type-preview">
          <h2 id="type-preview">{t("types.preview")}</h2>
          <p className="admin-hint">{t("types.previewHint")}</p>
          {previewFields.length ? (
            <CustomFieldsForm fields={previewFields} values={preview} onChange={setPreview} idPrefix="preview" />
          ) : (
            <p className="a-empty">{t("types.noFields")}</p>
          )}
        </section>
      </div>
    </form>
  );
}

function FieldMessages({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <ul id={`${id}-error`} className="a-field__errors">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

function FieldEditor({
  field,
  index,
  count,
  handle,
  errors,
  onChange,
  onRemove,
  onStep,
}: {
  field: FieldDraft;
  index: number;
  count: number;
  handle: React.ReactNode;
  errors: (name: string) => string[] | undefined;
  onChange: (patch: Partial<FieldDraft>) => void;
  onRemove: () => void;
  onStep: (delta: -1 | 1) => void;
}) {
  const { t } = useTranslation("admin");
  const id = `ff-${field.uid}`;
  const name = field.label || t("types.untitled");
  return (
    <div className="admin-field" role="group" aria-label={t("types.fieldN", { n: index + 1, name })}>
      <div className="admin-field__bar">
        {handle}
        <span className="admin-field__title">
          {index + 1}. {name} <span className="admin-field__kind">{t(`kinds.${field.kind}`)}</span>
        </span>
        <Button size="sm" variant="ghost" onClick={() => onStep(-1)} disabled={index === 0} aria-label={t("types.moveUp", { name })}>
          ↑
        </Button>
        <Button size="sm" variant="ghost" onClick={() => onStep(1)} disabled={index === count - 1} aria-label={t("types.moveDown", { name })}>
          ↓
        </Button>
        <Button size="sm" variant="ghost" onClick={onRemove} aria-label={t("types.removeField", { name })}>
          {t("remove")}
        </Button>
      </div>
      <div className="admin-grid">
        <TextField id={`${id}-label`} label={t("types.fieldLabel")} value={field.label} onChange={(e) => onChange({ label: e.target.value })} errors={errors("label")} />
        <TextField id={`${id}-key`} label={t("types.fieldKey")} value={field.key} onChange={(e) => onChange({ key: e.target.value })} errors={errors("key")} />
        <div className="a-field">
          <label className="a-field__label" htmlFor={`${id}-kind`}>
            {t("types.fieldKind")}
          </label>
          <select id={`${id}-kind`} className="a-input" value={field.kind} onChange={(e) => onChange({ kind: e.target.value as FieldKind })}>
            {FIELD_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kinds.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <label className="admin-check">
          <input type="checkbox" checked={field.required} onChange={(e) => onChange({ required: e.target.checked })} />
          {t("types.required")}
        </label>
      </div>
      <TextField id={`${id}-help`} label={t("types.helpText")} value={field.help_text} onChange={(e) => onChange({ help_text: e.target.value })} errors={errors("help_text")} />
      {CHOICE_KINDS.includes(field.kind) && (
        <div className={`a-field${errors("choices") ? " a-field--invalid" : ""}`}>
          <label className="a-field__label" htmlFor={`${id}-choices`}>
            {t("types.choices")}
          </label>
          <textarea
            id={`${id}-choices`}
            className="a-input"
            rows={3}
            value={field.choices.join("\n")}
            onChange={(e) => onChange({ choices: e.target.value.split("\n") })}
            aria-describedby={`${id}-choices-hint`}
          />
          <div id={`${id}-choices-hint`} className="a-field__hint">
            {t("types.choicesHint")}
          </div>
          <FieldMessages id={`${id}-choices`} messages={errors("choices")} />
        </div>
      )}
      {field.kind === "number" && (
        <div className="admin-grid">
          <TextField id={`${id}-min`} label={t("types.min")} inputMode="decimal" value={field.min_value} onChange={(e) => onChange({ min_value: e.target.value })} errors={errors("min_value")} />
          <TextField id={`${id}-max`} label={t("types.max")} inputMode="decimal" value={field.max_value} onChange={(e) => onChange({ max_value: e.target.value })} errors={errors("max_value")} />
        </div>
      )}
      {TEXT_KINDS.includes(field.kind) && (
        <TextField id={`${id}-len`} label={t("types.maxLength")} inputMode="numeric" value={field.max_length} onChange={(e) => onChange({ max_length: e.target.value })} errors={errors("max_length")} />
      )}
    </div>
  );
}
