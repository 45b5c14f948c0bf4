import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Schemas, unwrap } from "@/api/client";
import { useDateFormat } from "@/shared/format/datetime";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import "../adminScreens.css";

type Audience = Schemas["AnnouncementAudienceEnum"];
const key = ["admin", "announcements"] as const;

const uploadFile = (id: number, file: File) =>
  unwrap(
    api.POST("/api/v1/announcements/{id}/attachments/", {
      params: { path: { id } },
      body: { file: file as unknown as string },
      bodySerializer: () => {
        const form = new FormData();
        form.append("file", file, file.name);
        return form;
      },
    }),
  );

/** /app/admin/announcements: compose for an audience, attach files, publish; read-confirmation figures. */
export default function AnnouncementsPage() {
  const { t } = useTranslation("announcements");
  usePageTitle(t("title"));
  const fmt = useDateFormat();
  const list = useQuery({
    queryKey: key,
    queryFn: async () => (await unwrap(api.GET("/api/v1/announcements/", { params: { query: { page_size: 100 } } }))).results,
  });
  const [open, setOpen] = useState<number | null>(null);
  return (
    <div className="a-page adm">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{t("subtitle")}</p>
        </div>
      </div>
      <Composer onCreated={setOpen} />
      <section className="a-card adm__card" aria-labelledby="ann-list">
        <h2 id="ann-list">{t("list.title")}</h2>
        {list.isPending ? (
          <PageLoading />
        ) : list.isError ? (
          <ErrorAlert error={list.error} />
        ) : list.data.length === 0 ? (
          <p className="a-empty">{t("list.empty")}</p>
        ) : (
          <table className="adm__table">
            <thead>
              <tr>
                <th scope="col">{t("list.announcement")}</th>
                <th scope="col">{t("list.audience")}</th>
                <th scope="col">{t("list.state")}</th>
                <th scope="col">{t("list.confirmed")}</th>
                <th scope="col">
                  <span className="a-visually-hidden">{t("list.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((a) => (
                <tr key={a.id}>
                  <td>
                    <div className="adm__strong">{a.title}</div>
                    <div className="adm__muted">{a.published_at ? fmt.dateTime(a.published_at) : fmt.dateTime(a.created_at)}</div>
                  </td>
                  <td>{t(`audiences.${a.audience}`)}</td>
                  <td>{t(`states.${a.state ?? "draft"}`)}</td>
                  <td>{a.receipts ? t("list.figures", { confirmed: a.receipts.confirmed, total: a.receipts.total }) : "—"}</td>
                  <td className="adm__actions">
                    <Button size="sm" variant="ghost" onClick={() => setOpen(a.id)} aria-label={t("list.openOf", { title: a.title })}>
                      {t("list.open")}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {open !== null && <Detail key={open} id={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

function Composer({ onCreated }: { onCreated: (id: number) => void }) {
  const { t } = useTranslation("announcements");
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [audience, setAudience] = useState<Audience>("all_tenants");
  const [companies, setCompanies] = useState<number[]>([]);
  const [premises, setPremises] = useState<number[]>([]);
  const [confirm, setConfirm] = useState(true);
  const companyList = useQuery({
    queryKey: ["admin", "companies", "tenant"],
    queryFn: async () => (await unwrap(api.GET("/api/v1/companies/", { params: { query: { kind: "tenant", page_size: 200 } } }))).results,
    enabled: audience === "companies",
  });
  const premisesList = useQuery({
    queryKey: ["admin", "locations", "units"],
    queryFn: async () => (await unwrap(api.GET("/api/v1/locations/", { params: { query: { page_size: 200 } } }))).results,
    enabled: audience === "premises",
  });
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/announcements/", {
          body: { title, body, audience, companies, premises, requires_confirmation: confirm },
        }),
      ),
    onSuccess: (a) => {
      setTitle("");
      setBody("");
      void queryClient.invalidateQueries({ queryKey: key });
      onCreated(a.id);
    },
  });
  const toggle = (list: number[], set: (v: number[]) => void, id: number) => set(list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  return (
    <section className="a-card adm__card" aria-labelledby="ann-new">
      <h2 id="ann-new">{t("new.title")}</h2>
      <ErrorAlert error={create.error} shownFields={["title", "body", "audience"]} />
      <form
        className="a-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
        noValidate
      >
        <TextField label={t("new.heading")} value={title} onChange={(e) => setTitle(e.target.value)} errors={fieldErrors(create.error, "title")} />
        <div className="a-field">
          <label className="a-field__label" htmlFor="ann-body">
            {t("new.body")}
          </label>
          <textarea id="ann-body" className="a-input" rows={4} value={body} onChange={(e) => setBody(e.target.value)} aria-invalid={fieldErrors(create.error, "body") ? true : undefined} />
          {fieldErrors(create.error, "body")?.map((m) => (
            <p key={m} className="a-field__errors">
              {m}
            </p>
          ))}
        </div>
        <fieldset className="adm__fieldset">
          <legend>{t("new.audience")}</legend>
          {(["all_tenants", "companies", "premises"] as Audience[]).map((a) => (
            <label key={a} className="adm__check">
              <input type="radio" name="ann-audience" checked={audience === a} onChange={() => setAudience(a)} /> {t(`audiences.${a}`)}
            </label>
          ))}
        </fieldset>
        {audience === "companies" && (
          <fieldset className="adm__fieldset">
            <legend>{t("new.companies")}</legend>
            {companyList.data?.map((c) => (
              <label key={c.id} className="adm__check">
                <input type="checkbox" checked={companies.includes(c.id)} onChange={() => toggle(companies, setCompanies, c.id)} /> {c.name}
              </label>
            ))}
            {fieldErrors(create.error, "companies")?.map((m) => <p key={m} className="a-field__errors">{m}</p>)}
          </fieldset>
        )}
        {audience === "premises" && (
          <fieldset className="adm__fieldset">
            <legend>{t("new.premises")}</legend>
            {premisesList.data
              ?.filter((l) => l.kind === "unit" || l.kind === "store")
              .map((l) => (
                <label key={l.id} className="adm__check">
                  <input type="checkbox" checked={premises.includes(l.id)} onChange={() => toggle(premises, setPremises, l.id)} /> {l.name}
                </label>
              ))}
            {fieldErrors(create.error, "premises")?.map((m) => <p key={m} className="a-field__errors">{m}</p>)}
          </fieldset>
        )}
        <label className="adm__check">
          <input type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} /> {t("new.confirm")}
        </label>
        <div className="a-form__actions">
          <Button type="submit" variant="primary" busy={create.isPending}>
            {t("new.save")}
          </Button>
        </div>
      </form>
    </section>
  );
}

function Detail({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation("announcements");
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const path = { params: { path: { id } } };
  const detail = useQuery({ queryKey: [...key, id], queryFn: () => unwrap(api.GET("/api/v1/announcements/{id}/", path)) });
  const receipts = useQuery({
    queryKey: [...key, id, "receipts"],
    queryFn: () => unwrap(api.GET("/api/v1/announcements/{id}/receipts/", path)),
    enabled: detail.data?.state === "published" || detail.data?.state === "archived",
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const publish = useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/announcements/{id}/publish/", path)), onSuccess: refresh });
  const archive = useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/announcements/{id}/archive/", path)), onSuccess: refresh });
  const upload = useMutation({ mutationFn: (file: File) => uploadFile(id, file), onSuccess: refresh });
  if (!detail.data) return detail.isError ? <ErrorAlert error={detail.error} /> : <PageLoading />;
  const a = detail.data;
  return (
    <section className="a-card adm__card" aria-labelledby="ann-detail">
      <div className="adm__card-head">
        <h2 id="ann-detail">{a.title}</h2>
        <Button size="sm" variant="ghost" onClick={onClose}>
          {t("detail.close")}
        </Button>
      </div>
      <p style={{ whiteSpace: "pre-wrap" }}>{a.body}</p>
      <dl className="adm__facts">
        <dt>{t("list.audience")}</dt>
        <dd>
          {t(`audiences.${a.audience}`)}
          {a.companies.length > 0 && `: ${a.companies.map((c) => c.name).join(", ")}`}
          {a.premises.length > 0 && `: ${a.premises.map((c) => c.name).join(", ")}`}
        </dd>
        <dt>{t("list.state")}</dt>
        <dd>{t(`states.${a.state ?? "draft"}`)}</dd>
        <dt>{t("detail.files")}</dt>
        <dd>
          {a.attachments.length
            ? a.attachments.map((f) => (
                <div key={f.id}>
                  <a href={f.download_url}>{f.name}</a>
                </div>
              ))
            : "—"}
        </dd>
      </dl>
      <ErrorAlert error={publish.error ?? archive.error ?? upload.error} />
      {a.state === "draft" && (
        <div className="adm__buttons">
          <label className="a-field__label" htmlFor="ann-file">
            {t("detail.attach")}
          </label>
          <input
            id="ann-file"
            type="file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) upload.mutate(file);
            }}
          />
          <Button variant="primary" busy={publish.isPending} onClick={() => publish.mutate()}>
            {t("detail.publish")}
          </Button>
        </div>
      )}
      {a.state === "published" && (
        <div className="adm__buttons">
          <Button busy={archive.isPending} onClick={() => archive.mutate()}>
            {t("detail.archive")}
          </Button>
        </div>
      )}
      {receipts.data && (
        <>
          <h3>{t("detail.receipts", { confirmed: receipts.data.confirmed, total: receipts.data.total })}</h3>
          {publish.isSuccess && <Alert tone="success">{t("detail.published")}</Alert>}
          <table className="adm__table">
            <thead>
              <tr>
                <th scope="col">{t("detail.company")}</th>
                <th scope="col">{t("detail.confirmedBy")}</th>
                <th scope="col">{t("detail.readBy")}</th>
              </tr>
            </thead>
            <tbody>
              {receipts.data.receipts.map((r) => (
                <tr key={r.id}>
                  <td className="adm__strong">{r.company.name}</td>
                  <td>{r.confirmed && r.confirmed_at ? `${r.confirmed_by?.name ?? ""} · ${fmt.dateTime(r.confirmed_at)}` : t("detail.notYet")}</td>
                  <td>{r.read_by.map((p) => p.name).join(", ") || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
