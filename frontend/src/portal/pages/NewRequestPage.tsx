/**
 * /portal/new: the types this person may file (the API's `?fileable=1`); /portal/new/:typeKey: the
 * type's form. Client checks (required, ill-formed numbers) refuse inline before anything is sent;
 * the API's `fields` messages show under their fields. The company's first premises is preselected,
 * photos come from the camera or the gallery (shrunk before upload), the draft lives in
 * localStorage per type until the request is filed.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { CustomFieldsForm, checkFields, customFieldErrorNames, LocationPicker, toApiFields } from "@/features/forms";
import { useSession } from "@/shared/session/SessionContext";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { companyKey, createRequest, type NewRequest, myCompany, type TicketType, uploadAttachment, useFileableTypesQuery } from "../api";
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

interface Photo {
  id: number;
  file: File;
  url: string;
}

function RequestForm({ type }: { type: TicketType }) {
  const { t } = useTranslation("portal");
  const { user } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const storageKey = requestDraftKey(user.id, type.code);
  const [restored] = useState(() => loadRequestDraft(storageKey));
  const [draft, setDraft] = useState<RequestDraft>(restored ?? emptyRequestDraft);
  const [validate, setValidate] = useState(false);
  const [focusRequest, setFocusRequest] = useState(0);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [preparing, setPreparing] = useState(false);
  const [uploadFailed, setUploadFailed] = useState<string[]>([]);
  const done = useRef(false);
  const photoSeq = useRef(0);
  const form = useMemo(() => type.form_fields ?? [], [type]);
  const company = useQuery({ queryKey: companyKey, queryFn: myCompany, staleTime: 10 * 60_000 });

  // the company's premises, unless the draft already names a place
  useEffect(() => {
    const first = company.data?.premises?.[0] as unknown;
    if (draft.location == null && typeof first === "number" && !restored?.location) setDraft((d) => (d.location == null ? { ...d, location: first } : d));
  }, [company.data, draft.location, restored]);

  useEffect(() => {
    if (!done.current) saveRequestDraft(storageKey, draft);
  }, [storageKey, draft]);

  useEffect(() => () => photos.forEach((p) => URL.revokeObjectURL(p.url)), [photos]);

  const mutation = useMutation({
    mutationFn: async () => {
      const body: NewRequest = { type: type.code, title: draft.title.trim() };
      if (draft.description.trim()) body.description = draft.description;
      if (draft.location != null) body.location = draft.location;
      const fields = toApiFields(form, draft.fields);
      if (Object.keys(fields).length) body.fields = fields;
      const ticket = await createRequest(body);
      done.current = true;
      clearRequestDraft(storageKey);
      const failed: string[] = [];
      for (const photo of photos) {
        try {
          await uploadAttachment(ticket.id, photo.file);
        } catch {
          failed.push(photo.file.name);
        }
      }
      return { ticket, failed };
    },
    onSuccess: ({ ticket, failed }) => {
      void queryClient.invalidateQueries({ queryKey: ["portal", "requests"] });
      notify(t("new.filed", { key: ticket.key }));
      if (failed.length) setUploadFailed(failed);
      void navigate(`/requests/${ticket.id}`, { state: failed.length ? { failedPhotos: failed } : null });
    },
    onError: () => setFocusRequest((n) => n + 1),
  });

  useEffect(() => {
    if (!focusRequest) return;
    const first = formRef.current?.querySelector<HTMLElement>("[aria-invalid=true]");
    const target = first?.matches("fieldset") ? first.querySelector<HTMLElement>("input") : first;
    (target ?? formRef.current?.querySelector<HTMLElement>("[role=alert]"))?.focus();
  }, [focusRequest]);

  const titleMissing = !draft.title.trim();
  const fieldIssues = checkFields(form, draft.fields);
  const errorsOf = (name: string) => {
    const all = [...(validate && name === "title" && titleMissing ? [t("new.required")] : []), ...(fieldErrors(mutation.error, name) ?? [])];
    return all.length ? all : undefined;
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (mutation.isPending || preparing) return;
    if (titleMissing || Object.keys(fieldIssues).length) {
      setValidate(true);
      setFocusRequest((n) => n + 1);
      return;
    }
    mutation.mutate();
  };

  const addPhotos = async (files: FileList | null) => {
    if (!files?.length) return;
    setPreparing(true);
    try {
      const ready = await Promise.all([...files].map((file) => preparePhoto(file)));
      setPhotos((list) => [...list, ...ready.map((file) => ({ id: ++photoSeq.current, file, url: URL.createObjectURL(file) }))]);
    } finally {
      setPreparing(false);
    }
  };

  const ids = { description: useId(), camera: useId(), gallery: useId() };
  const descriptionErrors = errorsOf("description");

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
        {uploadFailed.length > 0 && <Alert tone="warning">{t("new.photoFailed", { names: uploadFailed.join(", ") })}</Alert>}
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
                void addPhotos(e.target.files);
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
                void addPhotos(e.target.files);
                e.target.value = "";
              }}
            />
          </div>
          <p className="a-field__hint">{t("new.photosHint")}</p>
          {preparing && <p role="status">{t("new.preparing")}</p>}
          {photos.length > 0 && (
            <ul className="portal-thumbs" aria-label={t("new.chosen")}>
              {photos.map((photo) => (
                <li key={photo.id}>
                  <img src={photo.url} alt={photo.file.name} />
                  <Button
                    size="sm"
                    variant="ghost"
                    type="button"
                    aria-label={t("new.removePhoto", { name: photo.file.name })}
                    onClick={() => setPhotos((list) => list.filter((p) => p.id !== photo.id))}
                  >
                    ×
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <Button type="submit" variant="primary" block busy={mutation.isPending} disabled={preparing}>
          {t("new.submit")}
        </Button>
        <p className="a-field__hint">{t("new.draftHint")}</p>
      </form>
    </div>
  );
}
