/**
 * /portal/new: the types this person may file (the API's `?fileable=1`); /portal/new/:typeKey: the
 * type's form. Client checks (required, ill-formed numbers) refuse inline before anything is sent;
 * the API's `fields` messages show under their fields. The company's first premises is preselected,
 * photos come from the camera or the gallery (shrunk, then uploaded at once: features/filing; the
 * request adopts them, and a required file field takes one), the draft lives in localStorage per
 * type until the request is filed.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { type NewTicketBody, useFileTicket, useUploads } from "@/features/filing";
import { CustomFieldsForm, checkFields, customFieldErrorNames, LocationPicker, toApiFields } from "@/features/forms";
import { useSession } from "@/shared/session/SessionContext";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { companyKey, myCompany, type TicketType, useFileableTypesQuery } from "../api";
import { clearRequestDraft, emptyRequestDraft, loadRequestDraft, type RequestDraft, requestDraftKey, saveRequestDraft } from "../draft";
import { preparePhoto } from "../photos";

const SHOWN = ["type", "title", "description", "location", "company", "fields"];

export default function NewRequestPage() {
  const { t } = useTranslation("portal");
  const { typeKey } = useParams();
  const types = useQuery(useFileableTypesQuery());
  const type = (types.data ?? []).find((candidate) => candidate.code === typeKey);
  usePageTitle(type ? type.name : t("new.title"));
  if (types.isLoading) return <PageLoading />;
  if (types.error) return <ErrorAlert error={types.error} />;
  if (typeKey && !type) {
    return (
      <div className="portal-page">
        <Alert tone="warning" title={t("new.unknownType")}>
          <Link to="/new">{t("new.chooseOther")}</Link>
        </Alert>
      </div>
    );
  }
  return type ? <RequestForm key={type.code} type={type} /> : <TypeList types={types.data ?? []} />;
}

function TypeList({ types }: { types: TicketType[] }) {
  const { t } = useTranslation("portal");
  return (
    <div className="portal-page">
      <h1>{t("new.title")}</h1>
      <p className="portal-muted">{t("new.choose")}</p>
      {types.length === 0 ? (
        <div className="a-card a-empty">{t("new.noTypes")}</div>
      ) : (
        <ul className="portal-list">
          {types.map((type) => (
            <li key={type.code}>
              <Link to={`/new/${encodeURIComponent(type.code)}`} className="portal-row a-card">
                <span className="portal-row__title">{type.name}</span>
                {type.description && <span className="portal-row__meta">{type.description}</span>}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function RequestForm({ type }: { type: TicketType }) {
  const { t } = useTranslation("portal");
  const { user } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const storageKey = requestDraftKey(user.id, type.code);
  const [restored] = useState(() => loadRequestDraft(storageKey));
  const [draft, setDraft] = useState<RequestDraft>(restored ?? emptyRequestDraft);
  const [validate, setValidate] = useState(false);
  const done = useRef(false);
  const form = useMemo(() => type.form_fields ?? [], [type]);
  const company = useQuery({ queryKey: companyKey, queryFn: myCompany, staleTime: 10 * 60_000 });
  // photos and files go up as soon as they are chosen (shrunk first); the request adopts them
  const uploads = useUploads({ prepare: preparePhoto });
  const { formRef, mutation, submit, showInvalid } = useFileTicket({
    uploads,
    onFiled: (ticket) => {
      done.current = true;
      clearRequestDraft(storageKey);
      void queryClient.invalidateQueries({ queryKey: ["portal", "requests"] });
      notify(t("new.filed", { key: ticket.key }));
      void navigate(`/requests/${ticket.id}`);
    },
  });

  // the company's premises, unless the draft already names a place
  useEffect(() => {
    const first = company.data?.premises?.[0] as unknown;
    if (draft.location == null && typeof first === "number" && !restored?.location) setDraft((d) => (d.location == null ? { ...d, location: first } : d));
  }, [company.data, draft.location, restored]);

  useEffect(() => {
    if (!done.current) saveRequestDraft(storageKey, draft);
  }, [storageKey, draft]);

  const titleMissing = !draft.title.trim();
  const fieldIssues = checkFields(form, draft.fields);
  const errorsOf = (name: string) => {
    const all = [...(validate && name === "title" && titleMissing ? [t("new.required")] : []), ...(fieldErrors(mutation.error, name) ?? [])];
    return all.length ? all : undefined;
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (mutation.isPending || uploads.busy) return;
    if (titleMissing || Object.keys(fieldIssues).length) {
      setValidate(true);
      showInvalid();
      return;
    }
    const body: NewTicketBody = { type: type.code, title: draft.title.trim() };
    if (draft.description.trim()) body.description = draft.description;
    if (draft.location != null) body.location = draft.location;
    const fields = toApiFields(form, draft.fields);
    if (Object.keys(fields).length) body.fields = fields;
    submit(body);
  };

  const addPhotos = (files: FileList | null) => {
    if (files?.length) void uploads.add([...files]);
  };

  const ids = { description: useId(), camera: useId(), gallery: useId() };
  const descriptionErrors = errorsOf("description");
  const failed = uploads.items.filter((item) => item.state === "failed");

  return (
    <div className="portal-page">
      <p className="portal-back">
        <Link to="/new">{t("new.back")}</Link>
      </p>
      <h1>{type.name}</h1>
      {type.description && <p className="portal-muted">{type.description}</p>}
      {restored && (
        <Alert tone="info">
          {t("new.restored")}{" "}
          <button
            type="button"
            className="portal-linkbutton"
            onClick={() => {
              clearRequestDraft(storageKey);
              setDraft(emptyRequestDraft);
            }}
          >
            {t("new.discard")}
          </button>
        </Alert>
      )}
      <form ref={formRef} className="a-form portal-form a-card" onSubmit={onSubmit} noValidate aria-label={type.name}>
        <ErrorAlert error={mutation.error} shownFields={[...SHOWN, ...customFieldErrorNames(form.map((f) => f.key))]} title={t("new.refused")} />
        {failed.length > 0 && <Alert tone="warning">{t("new.uploadFailed", { names: failed.map((item) => item.name).join(", ") })}</Alert>}
        <TextField
          label={
            <>
              {t("new.field.title")}
              <span className="a-required" aria-hidden="true">
                {" *"}
              </span>
            </>
          }
          aria-required
          maxLength={300}
          value={draft.title}
          onChange={(e) => setDraft((d) => ({ ...d, title: e.target.value }))}
          errors={errorsOf("title")}
        />
        <LocationPicker
          label={t("new.field.location")}
          value={draft.location}
          errors={errorsOf("location")}
          onChange={(id) => setDraft((d) => ({ ...d, location: id }))}
        />
        {form.length > 0 && (
          <CustomFieldsForm
            fields={form}
            values={draft.fields}
            onChange={(fields) => setDraft((d) => ({ ...d, fields }))}
            error={mutation.error}
            validate={validate}
            idPrefix="pr-f"
            attachments={uploads.ready}
            onUpload={async (file) => (await uploads.add([file]))[0] ?? null}
          />
        )}
        <div className={`a-field${descriptionErrors ? " a-field--invalid" : ""}`}>
          <label className="a-field__label" htmlFor={ids.description}>
            {t("new.field.description")}
          </label>
          <textarea
            id={ids.description}
            className="a-input"
            rows={4}
            value={draft.description}
            aria-invalid={descriptionErrors ? true : undefined}
            aria-describedby={descriptionErrors ? `${ids.description}-error` : undefined}
            onChange={(e) => setDraft((d) => ({ ...d, description: e.target.value }))}
          />
          {descriptionErrors && (
            <ul id={`${ids.description}-error`} className="a-field__errors">
              {descriptionErrors.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </div>
        <fieldset className="portal-photos">
          <legend className="a-field__label">{t("new.photos")}</legend>
          <div className="portal-photos__buttons">
            <label className="a-btn portal-filebutton" htmlFor={ids.camera}>
              {t("new.camera")}
            </label>
            <input
              id={ids.camera}
              className="a-visually-hidden"
              type="file"
              accept="image/*"
              capture="environment"
              onChange={(e) => {
                addPhotos(e.target.files);
                e.target.value = "";
              }}
            />
            <label className="a-btn portal-filebutton" htmlFor={ids.gallery}>
              {t("new.gallery")}
            </label>
            <input
              id={ids.gallery}
              className="a-visually-hidden"
              type="file"
              accept="image/*"
              multiple
              onChange={(e) => {
                addPhotos(e.target.files);
                e.target.value = "";
              }}
            />
          </div>
          <p className="a-field__hint">{t("new.photosHint")}</p>
          {uploads.busy && <p role="status">{t("new.preparing")}</p>}
          {uploads.items.length > 0 && (
            <ul className="portal-thumbs" aria-label={t("new.chosen")}>
              {uploads.items.map((item) => (
                <li key={item.key} className={`portal-thumb--${item.state}`}>
                  {item.preview ? <img src={item.preview} alt={item.name} /> : <span className="portal-thumb__name">{item.name}</span>}
                  <Button
                    size="sm"
                    variant="ghost"
                    type="button"
                    aria-label={t("new.removePhoto", { name: item.name })}
                    onClick={() => uploads.remove(item.key)}
                  >
                    ×
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <Button type="submit" variant="primary" block busy={mutation.isPending} disabled={uploads.busy}>
          {t("new.submit")}
        </Button>
        <p className="a-field__hint">{t("new.draftHint")}</p>
      </form>
    </div>
  );
}
