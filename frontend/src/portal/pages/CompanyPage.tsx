/**
 * /portal/company (a company's key user): the company's card as the API gives it, its employees
 * with their status (invited, active, blocked, access until), inviting one by e-mail, sending the
 * invitation again, blocking one (DELETE /team/{id}/ blocks at once) and letting them back,
 * extending or shortening their access, and choosing what each may file (/team/{id}/filing/:
 * the company's types, all by default). The API decides who may (and answers why not).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { isoToZonedInput, zonedInputToIso } from "@/features/forms";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import {
  companyKey,
  type FilingChoice,
  getMemberFiling,
  inviteMember,
  keys,
  listTeam,
  myCompany,
  removeMember,
  resendInvitation,
  setMemberAccess,
  setMemberFiling,
  type TeamMember,
  unblockMember,
} from "../api";

export default function CompanyPage() {
  const { t } = useTranslation("portal");
  usePageTitle(t("company.title"));
  const company = useQuery({ queryKey: companyKey, queryFn: myCompany });
  const team = useQuery({ queryKey: keys.team, queryFn: listTeam });
  const c = company.data;
  return (
    <div className="portal-page">
      <h1>{c?.name ?? t("company.title")}</h1>
      {company.error ? <ErrorAlert error={company.error} /> : null}
      {c && (
        <section className="a-card portal-pad" aria-labelledby="co-card">
          <h2 id="co-card">{t("company.card")}</h2>
          <dl className="portal-dl">
            {c.legal_name && (
              <>
                <dt>{t("company.legalName")}</dt>
                <dd>{c.legal_name}</dd>
              </>
            )}
            {c.brand && (
              <>
                <dt>{t("company.brand")}</dt>
                <dd>{c.brand}</dd>
              </>
            )}
            {(c.lease_start || c.lease_end) && (
              <>
                <dt>{t("company.lease")}</dt>
                <dd>
                  {c.lease_start ?? "…"} – {c.lease_end ?? "…"}
                </dd>
              </>
            )}
          </dl>
        </section>
      )}
      <InviteForm />
      <section className="a-card portal-pad" aria-labelledby="co-team">
        <h2 id="co-team">{t("company.team")}</h2>
        {team.isLoading ? (
          <PageLoading />
        ) : team.error ? (
          <ErrorAlert error={team.error} />
        ) : (
          <ul className="portal-team">
            {(team.data?.results ?? []).map((person) => (
              <Member key={person.id} person={person} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function statusOf(person: TeamMember): "blocked" | "invited" | "active" {
  if (person.blocked) return "blocked";
  return person.invitation_accepted ? "active" : "invited";
}

function Member({ person }: { person: TeamMember }) {
  const { t } = useTranslation("portal");
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const done = () => void queryClient.invalidateQueries({ queryKey: keys.team });
  const resend = useMutation({ mutationFn: () => resendInvitation(person.id), onSuccess: done });
  const block = useMutation({ mutationFn: () => removeMember(person.id), onSuccess: done });
  const unblock = useMutation({ mutationFn: () => unblockMember(person.id), onSuccess: done });
  const [editing, setEditing] = useState(false);
  const [choosing, setChoosing] = useState(false);
  const status = statusOf(person);
  const who = person.full_name || person.email;
  return (
    <li className="portal-member" data-member={person.email}>
      <div className="portal-member__who">
        <strong>{person.full_name || person.email}</strong>
        <span className="portal-row__meta">{person.email}</span>
        <span className="portal-row__meta">
          <span className={`portal-status portal-status--member-${status}`}>{t(`company.status_${status}`)}</span>
          {person.access_expires_at ? ` · ${t("company.until", { at: fmt.dateTime(person.access_expires_at) })}` : ""}
          {person.role === "key_user" ? ` · ${t("company.keyUser")}` : ""}
        </span>
      </div>
      <ErrorAlert error={resend.error ?? block.error ?? unblock.error} />
      {person.role === "employee" && status === "blocked" && (
        <div className="portal-actions">
          <Button size="sm" busy={unblock.isPending} aria-label={t("company.unblockWho", { name: who })} onClick={() => unblock.mutate()}>
            {t("company.unblock")}
          </Button>
        </div>
      )}
      {person.role === "employee" && status !== "blocked" && editing && (
        <AccessForm person={person} onDone={() => setEditing(false)} />
      )}
      {person.role === "employee" && status !== "blocked" && choosing && <FilingForm person={person} onDone={() => setChoosing(false)} />}
      {person.role === "employee" && status !== "blocked" && (
        <div className="portal-actions">
          {status === "invited" && (
            <Button size="sm" busy={resend.isPending} onClick={() => resend.mutate()}>
              {t("company.resend")}
            </Button>
          )}
          {!editing && (
            <Button size="sm" aria-label={t("company.accessWho", { name: who })} onClick={() => setEditing(true)}>
              {t("company.access")}
            </Button>
          )}
          {!choosing && (
            <Button size="sm" aria-label={t("company.filingWho", { name: who })} onClick={() => setChoosing(true)}>
              {t("company.filing")}
            </Button>
          )}
          <Button
            size="sm"
            variant="danger"
            busy={block.isPending}
            aria-label={t("company.blockWho", { name: who })}
            onClick={() => {
              if (window.confirm(t("company.blockConfirm", { name: who }))) block.mutate();
            }}
          >
            {t("company.block")}
          </Button>
        </div>
      )}
    </li>
  );
}

function AccessForm({ person, onDone }: { person: TeamMember; onDone: () => void }) {
  const { t } = useTranslation("portal");
  const { timeZone } = useDateFormat();
  const queryClient = useQueryClient();
  const [until, setUntil] = useState(() => isoToZonedInput(person.access_expires_at, timeZone));
  const save = useMutation({
    mutationFn: () => setMemberAccess(person.id, until ? (zonedInputToIso(until, timeZone) ?? null) : null),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.team });
      onDone();
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="a-form portal-member__access" onSubmit={onSubmit} noValidate aria-label={t("company.accessWho", { name: person.full_name || person.email })}>
      <ErrorAlert error={save.error} shownFields={["until"]} />
      <TextField
        label={t("company.accessUntil")}
        hint={t("company.accessHint")}
        type="datetime-local"
        value={until}
        onChange={(e) => setUntil(e.target.value)}
        errors={fieldErrors(save.error, "until")}
      />
      <div className="portal-actions">
        <Button type="submit" size="sm" variant="primary" busy={save.isPending}>
          {t("company.saveAccess")}
        </Button>
        <Button size="sm" onClick={onDone}>
          {t("company.cancel")}
        </Button>
      </div>
    </form>
  );
}

/** What an employee may file: the company's types, each ticked or not (all ticked: no narrowing). */
function FilingForm({ person, onDone }: { person: TeamMember; onDone: () => void }) {
  const { t } = useTranslation("portal");
  const queryClient = useQueryClient();
  const who = person.full_name || person.email;
  const choice = useQuery({ queryKey: keys.filing(person.id), queryFn: () => getMemberFiling(person.id) });
  const [picked, setPicked] = useState<Set<number> | null>(null);
  const allowed = picked ?? new Set((choice.data?.types ?? []).filter((type) => type.allowed).map((type) => type.id));
  const save = useMutation({
    mutationFn: () => {
      const all = (choice.data?.types ?? []).every((type) => allowed.has(type.id));
      return setMemberFiling(person.id, all ? null : [...allowed]);
    },
    onSuccess: (answer: FilingChoice) => {
      queryClient.setQueryData(keys.filing(person.id), answer);
      onDone();
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  if (choice.isLoading) return <PageLoading />;
  if (choice.error) return <ErrorAlert error={choice.error} />;
  const types = choice.data?.types ?? [];
  return (
    <form className="a-form portal-member__access" onSubmit={onSubmit} noValidate aria-label={t("company.filingWho", { name: who })}>
      <ErrorAlert error={save.error} shownFields={["types"]} />
      <fieldset className="portal-filing">
        <legend className="a-field__label">{t("company.filingLegend", { name: who })}</legend>
        <p className="a-field__hint">{t("company.filingHint")}</p>
        {types.length === 0 ? (
          <p className="portal-muted">{t("company.filingNone")}</p>
        ) : (
          types.map((type) => (
            <label key={type.id} className="portal-filing__type">
              <input
                type="checkbox"
                checked={allowed.has(type.id)}
                onChange={(e) => {
                  const next = new Set(allowed);
                  if (e.target.checked) next.add(type.id);
                  else next.delete(type.id);
                  setPicked(next);
                }}
              />
              {type.name}
            </label>
          ))
        )}
        {fieldErrors(save.error, "types") && (
          <ul className="a-field__errors">
            {fieldErrors(save.error, "types")!.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
      </fieldset>
      <div className="portal-actions">
        <Button type="submit" size="sm" variant="primary" busy={save.isPending}>
          {t("company.saveFiling")}
        </Button>
        <Button size="sm" onClick={onDone}>
          {t("company.cancel")}
        </Button>
      </div>
    </form>
  );
}

function InviteForm() {
  const { t } = useTranslation("portal");
  const queryClient = useQueryClient();
  const { timeZone } = useDateFormat();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [until, setUntil] = useState("");
  const invite = useMutation({
    mutationFn: () => inviteMember({ email: email.trim(), full_name: name.trim(), ...(until ? { access_expires_at: zonedInputToIso(until, timeZone) ?? null } : {}) }),
    onSuccess: () => {
      setEmail("");
      setName("");
      setUntil("");
      void queryClient.invalidateQueries({ queryKey: keys.team });
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate();
  };
  return (
    <section className="a-card portal-pad" aria-labelledby="co-invite">
      <h2 id="co-invite">{t("company.invite")}</h2>
      {invite.isSuccess && <Alert tone="success">{t("company.invited", { email: invite.data.email })}</Alert>}
      <form className="a-form" onSubmit={onSubmit} noValidate>
        <ErrorAlert error={invite.error} shownFields={["email", "full_name", "access_expires_at"]} />
        <TextField label={t("company.name")} value={name} autoComplete="off" onChange={(e) => setName(e.target.value)} errors={fieldErrors(invite.error, "full_name")} />
        <TextField
          label={t("company.email")}
          type="email"
          inputMode="email"
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          errors={fieldErrors(invite.error, "email")}
        />
        <TextField
          label={t("company.accessUntil")}
          hint={t("company.accessHint")}
          type="datetime-local"
          value={until}
          onChange={(e) => setUntil(e.target.value)}
          errors={fieldErrors(invite.error, "access_expires_at")}
        />
        <Button type="submit" variant="primary" busy={invite.isPending}>
          {t("company.sendInvite")}
        </Button>
      </form>
    </section>
  );
}
