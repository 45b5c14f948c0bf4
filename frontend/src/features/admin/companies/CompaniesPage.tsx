import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Schemas, unwrap } from "@/api/client";
import { useDateFormat } from "@/shared/format/datetime";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import "../adminScreens.css";

type Company = Schemas["Company"];
type Kind = Schemas["CompanyKindEnum"];
type Contact = Schemas["Contact"];
const KINDS: Kind[] = ["tenant", "contractor", "department", "store"];
const key = ["admin", "companies"] as const;

/** /app/admin/companies: tenants and contractors, their key users, contacts and premises (the tenant card). */
export default function CompaniesPage() {
  const { t } = useTranslation("companies");
  usePageTitle(t("title"));
  const [kind, setKind] = useState<Kind | "">("");
  const [open, setOpen] = useState<number | null>(null);
  const companies = useQuery({
    queryKey: [...key, kind],
    queryFn: async () =>
      (await unwrap(api.GET("/api/v1/companies/", { params: { query: { page_size: 200, ...(kind ? { kind } : {}) } } }))).results,
  });
  const people = useQuery({
    queryKey: ["admin", "people", "key_users"],
    queryFn: async () => (await unwrap(api.GET("/api/v1/people/", { params: { query: { role: ["key_user"], page_size: 200 } } }))).results,
  });
  const locations = useQuery({
    queryKey: ["admin", "locations", "flat"],
    queryFn: async () => (await unwrap(api.GET("/api/v1/locations/", { params: { query: { page_size: 200 } } }))).results,
  });
  const personName = new Map((people.data ?? []).map((p) => [p.id, p.full_name || p.email]));
  const placeName = new Map((locations.data ?? []).map((l) => [l.id, l.name]));
  const filterId = useId();
  const current = companies.data?.find((c) => c.id === open) ?? null;
  return (
    <div className="a-page adm">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{t("subtitle")}</p>
        </div>
      </div>
      <section className="a-card adm__card" aria-labelledby="co-list">
        <div className="adm__card-head">
          <h2 id="co-list">{t("list.title")}</h2>
          <div className="a-field">
            <label className="a-field__label" htmlFor={filterId}>
              {t("list.kind")}
            </label>
            <select id={filterId} className="a-input" value={kind} onChange={(e) => setKind(e.target.value as Kind | "")}>
              <option value="">{t("list.all")}</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kinds.${k}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        {companies.isPending ? (
          <PageLoading />
        ) : companies.isError ? (
          <ErrorAlert error={companies.error} />
        ) : companies.data.length === 0 ? (
          <p className="a-empty">{t("list.empty")}</p>
        ) : (
          <table className="adm__table">
            <thead>
              <tr>
                <th scope="col">{t("list.name")}</th>
                <th scope="col">{t("list.kind")}</th>
                <th scope="col">{t("list.keyUsers")}</th>
                <th scope="col">{t("list.premises")}</th>
                <th scope="col">{t("list.state")}</th>
                <th scope="col">
                  <span className="a-visually-hidden">{t("list.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {companies.data.map((c) => (
                <tr key={c.id}>
                  <td className="adm__strong">{c.name}</td>
                  <td>{t(`kinds.${c.kind ?? "tenant"}`)}</td>
                  <td>{c.key_users.map((id) => personName.get(id) ?? `#${id}`).join(", ") || "—"}</td>
                  <td>{(c.premises ?? []).map((id) => placeName.get(id) ?? `#${id}`).join(", ") || "—"}</td>
                  <td>
                    <span className={`adm__badge${c.is_active ? " adm__badge--ok" : ""}`}>{c.is_active ? t("list.active") : t("list.inactive")}</span>
                  </td>
                  <td className="adm__actions">
                    <Button size="sm" variant="ghost" onClick={() => setOpen(c.id)} aria-label={t("list.openOf", { name: c.name })}>
                      {t("list.open")}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {current && <CompanyCard key={current.id} company={current} locations={locations.data ?? []} onClose={() => setOpen(null)} />}
      <NewCompany />
    </div>
  );
}

function CompanyCard({ company, locations, onClose }: { company: Company; locations: Schemas["Location"][]; onClose: () => void }) {
  const { t } = useTranslation(["companies", "shared"]);
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const [contacts, setContacts] = useState<Contact[]>(company.contacts ?? []);
  const [premises, setPremises] = useState<number[]>(company.premises ?? []);
  const [notes, setNotes] = useState(company.notes ?? "");
  const save = useMutation({
    mutationFn: () =>
      unwrap(api.PATCH("/api/v1/companies/{id}/", { params: { path: { id: company.id } }, body: { contacts, premises, notes } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const setContact = (i: number, change: Partial<Contact>) => setContacts(contacts.map((c, j) => (j === i ? { ...c, ...change } : c)));
  const units = locations.filter((l) => l.kind === "unit" || l.kind === "store");
  return (
    <section className="a-card adm__card" aria-labelledby="co-card">
      <div className="adm__card-head">
        <h2 id="co-card">{company.name}</h2>
        <Button size="sm" variant="ghost" onClick={onClose}>
          {t("card.close")}
        </Button>
      </div>
      <dl className="adm__facts">
        <dt>{t("card.legal")}</dt>
        <dd>{company.legal_name || "—"}</dd>
        <dt>{t("card.lease")}</dt>
        <dd>
          {company.lease_start ? fmt.date(company.lease_start) : "—"} – {company.lease_end ? fmt.date(company.lease_end) : "—"}
        </dd>
      </dl>
      {save.isSuccess && <Alert tone="success">{t("card.saved")}</Alert>}
      <ErrorAlert error={save.error} />
      <form
        className="a-form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <fieldset className="adm__fieldset" style={{ flexDirection: "column" }}>
          <legend>{t("card.contacts")}</legend>
          {contacts.map((c, i) => (
            <div key={i} className="adm__row-form">
              <TextField label={t("card.contactName", { n: i + 1 })} value={c.name} onChange={(e) => setContact(i, { name: e.target.value })} errors={fieldErrors(save.error, `contacts.${i}.name`)} />
              <TextField label={t("card.position", { n: i + 1 })} value={c.position ?? ""} onChange={(e) => setContact(i, { position: e.target.value })} />
              <TextField label={t("card.phone", { n: i + 1 })} value={c.phone ?? ""} onChange={(e) => setContact(i, { phone: e.target.value })} />
              <TextField label={t("card.email", { n: i + 1 })} value={c.email ?? ""} onChange={(e) => setContact(i, { email: e.target.value })} errors={fieldErrors(save.error, `contacts.${i}.email`)} />
              <Button type="button" size="sm" variant="ghost" onClick={() => setContacts(contacts.filter((_, j) => j !== i))} aria-label={t("card.removeContact", { n: i + 1 })}>
                {t("card.remove")}
              </Button>
            </div>
          ))}
          <div>
            <Button type="button" size="sm" onClick={() => setContacts([...contacts, { name: "", position: "", phone: "", email: "" }])}>
              {t("card.addContact")}
            </Button>
          </div>
        </fieldset>
        <fieldset className="adm__fieldset">
          <legend>{t("card.premises")}</legend>
          {units.map((l) => (
            <label key={l.id} className="adm__check">
              <input
                type="checkbox"
                checked={premises.includes(l.id)}
                onChange={() => setPremises(premises.includes(l.id) ? premises.filter((x) => x !== l.id) : [...premises, l.id])}
              />{" "}
              {l.name}
            </label>
          ))}
        </fieldset>
        <div className="a-field">
          <label className="a-field__label" htmlFor="co-notes">
            {t("card.notes")}
          </label>
          <textarea id="co-notes" className="a-input" rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </div>
        <div className="a-form__actions">
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t("shared:actions.save")}
          </Button>
        </div>
      </form>
    </section>
  );
}

function NewCompany() {
  const { t } = useTranslation("companies");
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<Kind>("tenant");
  const kindId = useId();
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/companies/", { body: { name, kind } as Company })),
    onSuccess: () => {
      setName("");
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  return (
    <section className="a-card adm__card" aria-labelledby="co-new">
      <h2 id="co-new">{t("new.title")}</h2>
      <ErrorAlert error={create.error} shownFields={["name", "kind"]} />
      <form
        className="adm__row-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
        noValidate
      >
        <TextField label={t("new.name")} value={name} onChange={(e) => setName(e.target.value)} errors={fieldErrors(create.error, "name")} />
        <div className="a-field">
          <label className="a-field__label" htmlFor={kindId}>
            {t("list.kind")}
          </label>
          <select id={kindId} className="a-input" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kinds.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="adm__row-form-actions">
          <Button type="submit" variant="primary" busy={create.isPending}>
            {t("new.submit")}
          </Button>
        </div>
      </form>
    </section>
  );
}
