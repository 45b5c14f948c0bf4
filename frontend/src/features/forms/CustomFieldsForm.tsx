/**
 * A ticket type's custom form (its `form_fields`, in the definition's order), in edit or view mode.
 * Values are in the API's shape (see values.ts). The API decides: its field messages
 * (`fields.<key>`) show under the field they name; the client checks (a required field empty,
 * a number that is not one) are typing aids, shown only when `validate` is set (after a first
 * submit) and for a number as soon as it is left ill-formed.
 */
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { fieldErrorsFor } from "./errors";
import { CompanyPicker, EquipmentPicker, LocationPicker, PersonPicker } from "./pickers";
import { useCompanies, useEquipment, useLocations, usePerson } from "./api";
import {
  checkFields,
  choiceLabel,
  choicesOf,
  type FieldValues,
  type FormFieldDef,
  isEmpty,
  isoToZonedInput,
  parseNumber,
  zonedInputToIso,
} from "./values";
import "./forms.css";

export interface CustomFieldsFormProps {
  fields: FormFieldDef[];
  values: FieldValues;
  /** The whole new values object (the key changed, the others as they were). */
  onChange?: (values: FieldValues) => void;
  /** Messages by field key (any source); shown with the API's and the client's. */
  errors?: Record<string, string[] | undefined> | undefined;
  /** A failed request (ApiError): its `fields.<key>` messages go under their fields. */
  error?: unknown;
  /** Show the client checks (required missing, number ill-formed) for every field. */
  validate?: boolean | undefined;
  mode?: "edit" | "view";
  /** Prefix of the inputs' ids (`<prefix>-<key>`): unique per page. Default "cf". */
  idPrefix?: string;
  /** For `file` fields: the ticket's attachments to choose from (none before filing). */
  attachments?: { id: number; name: string }[] | undefined;
  /** For `file` fields: upload a file for the field (before filing: POST /uploads/, see
   * features/filing); the field takes the new id. Without it the field only chooses. */
  onUpload?: ((file: File) => Promise<{ id: number; name: string } | null>) | undefined;
  disabled?: boolean | undefined;
}

export function CustomFieldsForm(props: CustomFieldsFormProps) {
  const { fields, mode = "edit" } = props;
  if (fields.length === 0) return null;
  if (mode === "view") return <FieldsView fields={fields} values={props.values} attachments={props.attachments} />;
  return <FieldsEdit {...props} />;
}

// ---------------------------------------------------------------------------- edit
function FieldsEdit({ fields, values, onChange, errors, error, validate = false, idPrefix = "cf", attachments, onUpload, disabled }: CustomFieldsFormProps) {
  const { t } = useTranslation("forms");
  const [left, setLeft] = useState<Record<string, boolean>>({});
  const issues = checkFields(fields, values);
  const set = (key: string, value: unknown) => {
    const next = { ...values };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange?.(next);
  };
  return (
    <div className="cf-form">
      {fields.map((field) => {
        const issue = issues[field.key];
        const client =
          issue && (validate || (issue === "number" && left[field.key])) ? [t(issue === "required" ? "check.required" : "check.number")] : [];
        const messages = [...client, ...(errors?.[field.key] ?? []), ...(fieldErrorsFor(error, field.key) ?? [])];
        return (
          <FieldInput
            key={field.key}
            field={field}
            id={`${idPrefix}-${field.key}`}
            value={values[field.key]}
            onChange={(value) => set(field.key, value)}
            onLeave={() => setLeft((l) => (l[field.key] ? l : { ...l, [field.key]: true }))}
            errors={messages.length ? [...new Set(messages)] : undefined}
            attachments={attachments}
            onUpload={onUpload}
            disabled={disabled}
          />
        );
      })}
    </div>
  );
}

interface FieldInputProps {
  field: FormFieldDef;
  id: string;
  value: unknown;
  onChange: (value: unknown) => void;
  onLeave: () => void;
  errors: string[] | undefined;
  attachments: { id: number; name: string }[] | undefined;
  onUpload?: CustomFieldsFormProps["onUpload"];
  disabled: boolean | undefined;
}

function Label({ field, htmlFor, id, as = "label" }: { field: FormFieldDef; htmlFor?: string; id?: string; as?: "label" | "legend" }) {
  const content = (
    <>
      {field.label}
      {field.required && (
        <span className="a-required" aria-hidden="true">
          {" *"}
        </span>
      )}
    </>
  );
  return as === "legend" ? (
    <legend className="a-field__label" id={id}>
      {content}
    </legend>
  ) : (
    <label className="a-field__label" htmlFor={htmlFor} id={id}>
      {content}
    </label>
  );
}

function Messages({ id, hintId, hint, errors }: { id: string; hintId: string; hint?: ReactNode; errors: string[] | undefined }) {
  return (
    <>
      {hint && (
        <div id={hintId} className="a-field__hint">
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
    </>
  );
}

function useHint(field: FormFieldDef): string | undefined {
  const { t } = useTranslation("forms");
  const parts: string[] = [];
  if (field.help_text) parts.push(field.help_text);
  if (field.kind === "number") {
    const min = field.min_value != null ? String(Number(field.min_value)) : undefined;
    const max = field.max_value != null ? String(Number(field.max_value)) : undefined;
    if (min && max) parts.push(t("hint.between", { min, max }));
    else if (min) parts.push(t("hint.atLeast", { min }));
    else if (max) parts.push(t("hint.atMost", { max }));
  }
  return parts.length ? parts.join(" · ") : undefined;
}

function FieldInput({ field, id, value, onChange, onLeave, errors, attachments, onUpload, disabled }: FieldInputProps) {
  const { t } = useTranslation("forms");
  const fmt = useDateFormat();
  const hint = useHint(field);
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : "", errors?.length ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    className: "a-input",
    "aria-invalid": errors?.length ? true : undefined,
    "aria-describedby": describedBy,
    "aria-required": field.required || undefined,
    disabled,
    onBlur: onLeave,
  } as const;
  const wrap = (control: ReactNode, extra = "") => (
    <div className={["a-field", "cf-field", `cf-field--${field.kind}`, errors?.length ? "a-field--invalid" : "", extra].filter(Boolean).join(" ")}>
      <Label field={field} htmlFor={id} />
      {control}
      <Messages id={id} hintId={hintId} hint={hint} errors={errors} />
    </div>
  );
  const text = typeof value === "string" ? value : value == null ? "" : String(value);
  const picker = { id, label: field.label, required: field.required, errors, hint, disabled, className: `cf-field cf-field--${field.kind}` };

  switch (field.kind) {
    case "text":
      return wrap(
        <input {...common} type="text" value={text} maxLength={field.max_length ?? 300} onChange={(e) => onChange(e.target.value || undefined)} />,
      );
    case "long_text":
      return wrap(
        <textarea {...common} rows={3} value={text} maxLength={field.max_length ?? 10000} onChange={(e) => onChange(e.target.value || undefined)} />,
        "cf-field--wide",
      );
    case "number":
      return wrap(<NumberInput common={common} value={value} onChange={onChange} />);
    case "date":
      return wrap(<input {...common} type="date" value={text} onChange={(e) => onChange(e.target.value || undefined)} />);
    case "datetime":
      return wrap(
        <input
          {...common}
          type="datetime-local"
          value={isoToZonedInput(value, fmt.timeZone)}
          onChange={(e) => onChange(e.target.value ? zonedInputToIso(e.target.value, fmt.timeZone) : undefined)}
        />,
      );
    case "choice":
      return wrap(
        <select {...common} value={text} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">{t("choose")}</option>
          {choicesOf(field).map((c) => (
            <option key={c} value={c}>
              {choiceLabel(c)}
            </option>
          ))}
        </select>,
      );
    case "multi_choice":
    case "boolean":
      return (
        <fieldset
          className={["a-field", "cf-field", "cf-group", `cf-field--${field.kind}`, errors?.length ? "a-field--invalid" : ""].filter(Boolean).join(" ")}
          aria-describedby={describedBy}
          aria-invalid={errors?.length ? true : undefined}
          id={id}
          disabled={disabled}
        >
          <Label field={field} as="legend" />
          {field.kind === "boolean" ? (
            <BooleanChoice id={id} value={value} onChange={onChange} onLeave={onLeave} />
          ) : (
            <MultiChoice id={id} field={field} value={value} onChange={onChange} onLeave={onLeave} />
          )}
          <Messages id={id} hintId={hintId} hint={hint} errors={errors} />
        </fieldset>
      );
    case "company":
      return <CompanyPicker {...picker} value={asId(value)} onChange={(v) => onChange(v ?? undefined)} />;
    case "location":
      return <LocationPicker {...picker} value={asId(value)} onChange={(v) => onChange(v ?? undefined)} />;
    case "equipment":
      return <EquipmentPicker {...picker} value={asId(value)} onChange={(v) => onChange(v ?? undefined)} />;
    case "person":
      return <PersonPicker {...picker} value={asId(value)} onChange={(v) => onChange(v ?? undefined)} />;
    case "file": {
      const choose = (
        <select
          {...common}
          value={typeof value === "number" ? String(value) : ""}
          disabled={disabled || !attachments?.length}
          onChange={(e) => onChange(e.target.value ? Number(e.target.value) : undefined)}
        >
          <option value="">{attachments?.length ? t("choose") : onUpload ? t("file.uploadFirst") : t("file.none")}</option>
          {(attachments ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      );
      if (!onUpload) return wrap(choose);
      return wrap(
        <div className="cf-file">
          {choose}
          <FileUpload id={`${id}-upload`} label={field.label} disabled={disabled} onUpload={onUpload} onUploaded={(pk) => onChange(pk)} />
        </div>,
      );
    }
    default:
      return wrap(<input {...common} type="text" value={text} onChange={(e) => onChange(e.target.value || undefined)} />);
  }
}

/** A file input beside a file field's choice: the upload's id becomes the field's value. */
function FileUpload({
  id,
  label,
  disabled,
  onUpload,
  onUploaded,
}: {
  id: string;
  label: string;
  disabled: boolean | undefined;
  onUpload: NonNullable<CustomFieldsFormProps["onUpload"]>;
  onUploaded: (id: number) => void;
}) {
  const { t } = useTranslation("forms");
  const [busy, setBusy] = useState(false);
  return (
    <>
      <input
        id={id}
        className="a-visually-hidden"
        type="file"
        disabled={disabled || busy}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (!file) return;
          setBusy(true);
          void onUpload(file)
            .then((done) => {
              if (done) onUploaded(done.id);
            })
            .finally(() => setBusy(false));
        }}
      />
      <label className="a-btn a-btn--sm cf-file__button" htmlFor={id} aria-disabled={busy || disabled || undefined}>
        {busy ? t("file.uploading") : t("file.upload")}
        <span className="a-visually-hidden">{`: ${label}`}</span>
      </label>
    </>
  );
}

/** Keeps the text as typed ("1,5", "2."); the value is the number it reads as, else the text. */
function NumberInput({ common, value, onChange }: { common: Record<string, unknown>; value: unknown; onChange: (v: unknown) => void }) {
  const [raw, setRaw] = useState(() => (value == null ? "" : String(value)));
  const readsAs = raw.trim() === "" ? undefined : (parseNumber(raw) ?? raw);
  const shown = readsAs === value || (value === undefined && raw.trim() === "") ? raw : value == null ? "" : String(value);
  return (
    <input
      {...common}
      type="text"
      inputMode="decimal"
      value={shown}
      onChange={(e) => {
        setRaw(e.target.value);
        onChange(e.target.value.trim() === "" ? undefined : (parseNumber(e.target.value) ?? e.target.value));
      }}
    />
  );
}

function asId(value: unknown): number | null {
  return typeof value === "number" ? value : null;
}

function BooleanChoice({ id, value, onChange, onLeave }: { id: string; value: unknown; onChange: (v: unknown) => void; onLeave: () => void }) {
  const { t } = useTranslation("forms");
  return (
    <div className="a-segmented__options" onBlur={onLeave}>
      {[true, false].map((option) => (
        <label key={String(option)} className="a-segmented__option">
          <input type="radio" name={id} id={`${id}-${option ? "yes" : "no"}`} checked={value === option} onChange={() => onChange(option)} />
          <span>{t(option ? "yes" : "no")}</span>
        </label>
      ))}
    </div>
  );
}

function MultiChoice({ id, field, value, onChange, onLeave }: { id: string; field: FormFieldDef; value: unknown; onChange: (v: unknown) => void; onLeave: () => void }) {
  const chosen = Array.isArray(value) ? value.map(String) : [];
  const choices = choicesOf(field);
  return (
    <div className="cf-checks" onBlur={onLeave}>
      {choices.map((c, i) => (
        <label key={c} className="cf-check" htmlFor={`${id}-${i}`}>
          <input
            type="checkbox"
            id={`${id}-${i}`}
            checked={chosen.includes(c)}
            onChange={(e) => {
              const next = e.target.checked ? [...chosen, c] : chosen.filter((x) => x !== c);
              onChange(next.length ? choices.filter((x) => next.includes(x)) : undefined);
            }}
          />
          <span>{choiceLabel(c)}</span>
        </label>
      ))}
    </div>
  );
}

// ---------------------------------------------------------------------------- view
function FieldsView({ fields, values, attachments }: { fields: FormFieldDef[]; values: FieldValues; attachments?: { id: number; name: string }[] | undefined }) {
  return (
    <dl className="cf-view">
      {fields.map((field) => (
        <div key={field.key} className="cf-view__row">
          <dt>{field.label}</dt>
          <dd>
            <FieldValue field={field} value={values[field.key]} attachments={attachments} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function FieldValue({ field, value, attachments }: { field: FormFieldDef; value: unknown; attachments?: { id: number; name: string }[] | undefined }) {
  const { t } = useTranslation("forms");
  const fmt = useDateFormat();
  if (isEmpty(value)) return <span className="cf-view__empty">{t("empty")}</span>;
  switch (field.kind) {
    case "boolean":
      return <>{t(value ? "yes" : "no")}</>;
    case "choice":
      return <>{choiceLabel(String(value))}</>;
    case "multi_choice":
      return <>{(Array.isArray(value) ? value : [value]).map((v) => choiceLabel(String(v))).join(", ")}</>;
    case "date":
      // a calendar date: no time zone to shift it
      return <>{fmt.custom(`${String(value)}T12:00:00Z`, { dateStyle: "medium", timeZone: "UTC" })}</>;
    case "datetime":
      return <>{fmt.dateTime(String(value))}</>;
    case "company":
    case "location":
    case "equipment":
    case "person":
      return <ReferenceName kind={field.kind} id={Number(value)} />;
    case "file":
      return <>{attachments?.find((a) => a.id === value)?.name ?? t("file.numbered", { id: String(value) })}</>;
    case "long_text":
      return <span className="cf-view__long">{String(value)}</span>;
    default:
      return <>{String(value)}</>;
  }
}

function ReferenceName({ kind, id }: { kind: "company" | "location" | "equipment" | "person"; id: number }) {
  const person = usePerson(kind === "person" ? id : null);
  const companies = useCompaniesIf(kind === "company");
  const locations = useLocationsIf(kind === "location");
  const equipment = useEquipmentIf(kind === "equipment");
  const name =
    kind === "person"
      ? person.data?.full_name || person.data?.email
      : kind === "company"
        ? companies?.find((c) => c.id === id)?.name
        : kind === "location"
          ? locations?.find((l) => l.id === id)?.name
          : equipment?.find((e) => e.id === id)?.name;
  return <>{name ?? `#${id}`}</>;
}

// the lists are cached per page; only the kinds shown are fetched
function useCompaniesIf(on: boolean) {
  return useCompanies(on).data;
}
function useLocationsIf(on: boolean) {
  return useLocations(on).data;
}
function useEquipmentIf(on: boolean) {
  return useEquipment(null, on).data;
}
