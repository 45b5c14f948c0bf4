import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import {
  billingKey,
  blockPerson,
  createGroup,
  deleteGroup,
  expiryFromDateInput,
  expiryToDateInput,
  getBilling,
  type Group,
  groupsKey,
  invitePerson,
  listGroups,
  listPeople,
  peopleKey,
  type Person,
  type Role,
  ROLES,
  resendInvitation,
  unblockPerson,
  updateGroup,
  updatePerson,
} from "./api";
import "../adminScreens.css";

/** /app/admin/people: invite people, their roles, groups, blocking and access expiry; the seats figure. */
export default function PeoplePage() {
  const { t } = useTranslation("people");
  usePageTitle(t("title"));
  const [q, setQ] = useState("");
  const [editing, setEditing] = useState<number | null>(null);
  const people = useQuery({ queryKey: [...peopleKey, q], queryFn: () => listPeople(q) });
  const groups = useQuery({ queryKey: groupsKey, queryFn: listGroups });
  const chosen = people.data?.find((p) => p.id === editing) ?? null;
  return (
    <div className="a-page adm">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <Seats />
        </div>
      </div>
      <InviteCard />
      <section className="a-card adm__card" aria-labelledby="people-list">
        <div className="adm__card-head">
          <h2 id="people-list">{t("list.title")}</h2>
          <TextField label={t("list.search")} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        {people.isPending ? (
          <PageLoading />
        ) : people.isError ? (
          <ErrorAlert error={people.error} />
        ) : (
          <PeopleTable people={people.data} groups={groups.data ?? []} onEdit={setEditing} />
        )}
      </section>
      {chosen && <PersonEditor key={chosen.id} person={chosen} groups={groups.data ?? []} onClose={() => setEditing(null)} />}
      <GroupsCard groups={groups.data ?? []} people={people.data ?? []} />
    </div>
  );
}

function Seats() {
  const { t } = useTranslation("people");
  const billing = useQuery({ queryKey: billingKey, queryFn: getBilling });
  if (!billing.data) return null;
  return (
    <p className="a-page__subtitle" data-testid="seats">
      {t("seats", { used: billing.data.seats.used, allowed: billing.data.seats.available })}
    </p>
  );
}

function useRefresh() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: peopleKey });
    void queryClient.invalidateQueries({ queryKey: groupsKey });
    void queryClient.invalidateQueries({ queryKey: billingKey });
  };
}

function InviteCard() {
  const { t } = useTranslation(["people", "shared"]);
  const refresh = useRefresh();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("engineer");
  const roleId = useId();
  const invite = useMutation({
    mutationFn: invitePerson,
    onSuccess: () => {
      setEmail("");
      setName("");
      refresh();
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate({ email, full_name: name, role });
  };
  return (
    <section className="a-card adm__card" aria-labelledby="people-invite">
      <h2 id="people-invite">{t("invite.title")}</h2>
      <p className="adm__hint">{t("invite.hint")}</p>
      {invite.isSuccess && <Alert tone="success">{t("invite.sent", { email: invite.data.email })}</Alert>}
      <ErrorAlert error={invite.error} shownFields={["email", "full_name", "role"]} />
      <form className="adm__row-form" onSubmit={onSubmit} noValidate>
        <TextField
          label={t("invite.email")}
          type="email"
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          errors={fieldErrors(invite.error, "email")}
        />
        <TextField
          label={t("invite.name")}
          value={name}
          onChange={(e) => setName(e.target.value)}
          errors={fieldErrors(invite.error, "full_name")}
        />
        <div className="a-field">
          <label className="a-field__label" htmlFor={roleId}>
            {t("invite.role")}
          </label>
          <select id={roleId} className="a-input" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`shared:roles.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="adm__row-form-actions">
          <Button type="submit" variant="primary" busy={invite.isPending}>
            {t("invite.submit")}
          </Button>
        </div>
      </form>
    </section>
  );
}

function PeopleTable({ people, groups, onEdit }: { people: Person[]; groups: Group[]; onEdit: (id: number) => void }) {
  const { t } = useTranslation(["people", "shared"]);
  const fmt = useDateFormat();
  const refresh = useRefresh();
  const [blocking, setBlocking] = useState<number | null>(null);
  const [reason, setReason] = useState("");
  const block = useMutation({
    mutationFn: (id: number) => blockPerson(id, reason),
    onSuccess: () => {
      setBlocking(null);
      setReason("");
      refresh();
    },
  });
  const unblock = useMutation({ mutationFn: unblockPerson, onSuccess: refresh });
  const resend = useMutation({ mutationFn: resendInvitation });
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  if (!people.length) return <p className="a-empty">{t("list.empty")}</p>;
  return (
    <>
      <ErrorAlert error={unblock.error ?? resend.error} />
      {resend.isSuccess && <Alert tone="success">{t("list.resent")}</Alert>}
      <table className="adm__table">
        <thead>
          <tr>
            <th scope="col">{t("list.person")}</th>
            <th scope="col">{t("list.role")}</th>
            <th scope="col">{t("list.groups")}</th>
            <th scope="col">{t("list.status")}</th>
            <th scope="col">{t("list.expires")}</th>
            <th scope="col">
              <span className="a-visually-hidden">{t("list.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {people.map((person) => {
            const who = person.full_name || person.email;
            return [
              <tr key={person.id}>
                <td>
                  <div className="adm__strong">{person.full_name || "—"}</div>
                  <div className="adm__muted">{person.email}</div>
                </td>
                <td>{t(`shared:roles.${person.role ?? "employee"}`)}</td>
                <td>{person.groups.map((id) => groupName.get(id)).filter(Boolean).join(", ") || "—"}</td>
                <td>
                  {person.blocked ? (
                    <span className="adm__badge adm__badge--danger">{t("status.blocked")}</span>
                  ) : person.invitation_accepted ? (
                    <span className="adm__badge adm__badge--ok">{t("status.active")}</span>
                  ) : (
                    <span className="adm__badge">{t("status.invited")}</span>
                  )}
                </td>
                <td>{person.access_expires_at ? fmt.date(person.access_expires_at) : "—"}</td>
                <td className="adm__actions">
                  <Button size="sm" variant="ghost" onClick={() => onEdit(person.id)} aria-label={t("list.editOf", { name: who })}>
                    {t("list.edit")}
                  </Button>
                  {!person.invitation_accepted && !person.blocked && (
                    <Button size="sm" variant="ghost" onClick={() => resend.mutate(person.id)} aria-label={t("list.resendOf", { name: who })}>
                      {t("list.resend")}
                    </Button>
                  )}
                  {person.blocked ? (
                    <Button size="sm" onClick={() => unblock.mutate(person.id)} aria-label={t("list.unblockOf", { name: who })}>
                      {t("list.unblock")}
                    </Button>
                  ) : (
                    <Button
                      size="sm"
                      variant="danger"
                      onClick={() => {
                        block.reset();
                        setBlocking(person.id);
                      }}
                      aria-label={t("list.blockOf", { name: who })}
                      aria-expanded={blocking === person.id}
                    >
                      {t("list.block")}
                    </Button>
                  )}
                </td>
              </tr>,
              blocking === person.id && !person.blocked ? (
                <tr key={`${person.id}-block`}>
                  <td colSpan={6}>
                    <form
                      className="adm__inline-form"
                      aria-label={t("block.formOf", { name: who })}
                      onSubmit={(e) => {
                        e.preventDefault();
                        block.mutate(person.id);
                      }}
                      noValidate
                    >
                      <TextField
                        label={t("block.reason")}
                        value={reason}
                        autoFocus
                        onChange={(e) => setReason(e.target.value)}
                        errors={fieldErrors(block.error, "reason")}
                      />
                      <Button type="submit" variant="danger" busy={block.isPending}>
                        {t("block.confirm")}
                      </Button>
                      <Button type="button" variant="ghost" onClick={() => setBlocking(null)}>
                        {t("shared:actions.cancel")}
                      </Button>
                    </form>
                    <ErrorAlert error={block.error} shownFields={["reason"]} />
                  </td>
                </tr>
              ) : null,
            ];
          })}
        </tbody>
      </table>
    </>
  );
}

function PersonEditor({ person, groups, onClose }: { person: Person; groups: Group[]; onClose: () => void }) {
  const { t } = useTranslation(["people", "shared"]);
  const refresh = useRefresh();
  const [role, setRole] = useState<Role>(person.role ?? "employee");
  const [chosenGroups, setChosenGroups] = useState<number[]>(person.groups);
  const [expiry, setExpiry] = useState(expiryToDateInput(person.access_expires_at));
  const roleId = useId();
  const save = useMutation({
    mutationFn: () =>
      updatePerson(person.id, { role, groups: chosenGroups, access_expires_at: expiryFromDateInput(expiry) }),
    onSuccess: refresh,
  });
  const toggle = (id: number) =>
    setChosenGroups((current) => (current.includes(id) ? current.filter((g) => g !== id) : [...current, id]));
  return (
    <section className="a-card adm__card" aria-labelledby="people-edit">
      <div className="adm__card-head">
        <h2 id="people-edit">{t("edit.title", { name: person.full_name || person.email })}</h2>
        <Button size="sm" variant="ghost" onClick={onClose}>
          {t("edit.close")}
        </Button>
      </div>
      {save.isSuccess && <Alert tone="success">{t("edit.saved")}</Alert>}
      <ErrorAlert error={save.error} shownFields={["role", "access_expires_at"]} />
      <form
        className="a-form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <div className="a-field">
          <label className="a-field__label" htmlFor={roleId}>
            {t("invite.role")}
          </label>
          <select id={roleId} className="a-input" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`shared:roles.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="adm__fieldset">
          <legend>{t("list.groups")}</legend>
          {groups.map((g) => (
            <label key={g.id} className="adm__check">
              <input type="checkbox" checked={chosenGroups.includes(g.id)} onChange={() => toggle(g.id)} /> {g.name}
            </label>
          ))}
        </fieldset>
        <TextField
          label={t("edit.expiry")}
          hint={t("edit.expiryHint")}
          type="date"
          value={expiry}
          onChange={(e) => setExpiry(e.target.value)}
          errors={fieldErrors(save.error, "access_expires_at")}
        />
        <div className="a-form__actions">
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t("shared:actions.save")}
          </Button>
        </div>
      </form>
    </section>
  );
}

/** One group: its name, code and members; rename in place, or delete (the API's refusal shows here). */
export function GroupRow({ group, members }: { group: Group; members: string }) {
  const { t } = useTranslation("people");
  const refresh = useRefresh();
  const [editing, setEditing] = useState(false);
  const [code, setCode] = useState(group.code);
  const [name, setName] = useState(group.name);
  const rename = useMutation({
    mutationFn: () => updateGroup(group.id, { code: code.trim(), name: name.trim() }),
    onSuccess: () => {
      setEditing(false);
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: () => deleteGroup(group.id), onSuccess: refresh });
  const refusal = fieldErrors(remove.error, "group");
  if (editing) {
    return (
      <li>
        <ErrorAlert error={rename.error} shownFields={["code", "name"]} />
        <form
          className="adm__row-form"
          aria-label={t("groups.renameOf", { name: group.name })}
          onSubmit={(e) => {
            e.preventDefault();
            rename.mutate();
          }}
          noValidate
        >
          <TextField label={t("groups.code")} value={code} onChange={(e) => setCode(e.target.value)} errors={fieldErrors(rename.error, "code")} />
          <TextField label={t("groups.name")} value={name} onChange={(e) => setName(e.target.value)} errors={fieldErrors(rename.error, "name")} />
          <div className="adm__row-form-actions">
            <Button type="submit" variant="primary" busy={rename.isPending}>
              {t("shared:actions.save")}
            </Button>
            <Button
              onClick={() => {
                setEditing(false);
                setCode(group.code);
                setName(group.name);
                rename.reset();
              }}
            >
              {t("shared:actions.cancel")}
            </Button>
          </div>
        </form>
      </li>
    );
  }
  return (
    <li>
      <span className="adm__strong">{group.name}</span> <span className="adm__muted">({group.code})</span> — {members || t("groups.noMembers")}{" "}
      <Button
        size="sm"
        variant="ghost"
        onClick={() => {
          remove.reset();
          setEditing(true);
        }}
        aria-label={t("groups.renameOf", { name: group.name })}
      >
        {t("groups.rename")}
      </Button>
      <Button size="sm" variant="ghost" busy={remove.isPending} onClick={() => remove.mutate()} aria-label={t("groups.deleteOf", { name: group.name })}>
        {t("groups.delete")}
      </Button>
      {refusal ? (
        <ul className="a-field__errors" role="alert">
          {refusal.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : (
        <ErrorAlert error={remove.error} shownFields={["group"]} />
      )}
    </li>
  );
}

function GroupsCard({ groups, people }: { groups: Group[]; people: Person[] }) {
  const { t } = useTranslation("people");
  const refresh = useRefresh();
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: createGroup,
    onSuccess: () => {
      setCode("");
      setName("");
      refresh();
    },
  });
  const nameOf = new Map(people.map((p) => [p.id, p.full_name || p.email]));
  return (
    <section className="a-card adm__card" aria-labelledby="people-groups">
      <h2 id="people-groups">{t("groups.title")}</h2>
      <ul className="adm__list">
        {groups.map((g) => (
          <GroupRow key={g.id} group={g} members={g.members.map((id) => nameOf.get(id)).filter(Boolean).join(", ")} />
        ))}
      </ul>
      <ErrorAlert error={create.error} shownFields={["code", "name"]} />
      <form
        className="adm__row-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ code, name });
        }}
        noValidate
      >
        <TextField label={t("groups.code")} value={code} onChange={(e) => setCode(e.target.value)} errors={fieldErrors(create.error, "code")} />
        <TextField label={t("groups.name")} value={name} onChange={(e) => setName(e.target.value)} errors={fieldErrors(create.error, "name")} />
        <div className="adm__row-form-actions">
          <Button type="submit" busy={create.isPending}>
            {t("groups.create")}
          </Button>
        </div>
      </form>
    </section>
  );
}
