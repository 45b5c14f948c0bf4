import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "@/api/client";
import { Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { keys, type Policy, useGroups, usePolicies, useTicketTypes, useWorkflows } from "../api";
import { Checks, IdList } from "../controls";
import { CONDITION_ERROR_KEYS, conditionsFromApi, conditionsToApi, type PolicyConditions } from "./conditions";
import { PolicyConditionsEditor } from "./PolicyConditionsEditor";

const STATUS_ROLES = ["pending_status", "rework_status", "approved_status", "remarks_status", "rejected_status"] as const;
type StatusRole = (typeof STATUS_ROLES)[number];

interface Draft {
  id: number | null;
  ticket_type: number | "";
  name: string;
  order: number;
  is_active: boolean;
  deadline_hours: string;
  approvers: number[];
  approver_groups: number[];
  approved_group: number | null;
  statuses: Record<StatusRole, string>;
  conditions: PolicyConditions;
}

function draftOf(policy: Policy | null, firstType: number | ""): Draft {
  return {
    id: policy?.id ?? null,
    ticket_type: policy?.ticket_type ?? firstType,
    name: policy?.name ?? "",
    order: policy?.order ?? 0,
    is_active: policy?.is_active ?? true,
    deadline_hours: policy?.deadline_hours != null ? String(policy.deadline_hours) : "",
    approvers: policy?.approvers ?? [],
    approver_groups: policy?.approver_groups ?? [],
    approved_group: policy?.approved_group ?? null,
    statuses: {
      pending_status: policy?.pending_status ?? "",
      rework_status: policy?.rework_status ?? "",
      approved_status: policy?.approved_status ?? "",
      remarks_status: policy?.remarks_status ?? "",
      rejected_status: policy?.rejected_status ?? "",
    },
    conditions: conditionsFromApi(policy?.conditions),
  };
}

/** /app/admin/policies: approval policies — who approves which tickets, and where the ticket stands meanwhile. */
export default function PoliciesPage() {
  const { t } = useTranslation("admin");
  usePageTitle(t("policies.title"));
  const queryClient = useQueryClient();
  const policies = usePolicies();
  const types = useTicketTypes();
  const [editing, setEditing] = useState<Draft | null>(null);
  const remove = useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE("/api/v1/approval-policies/{id}/", { params: { path: { id } } })),
    onSuccess: () => {
      setEditing(null);
      void queryClient.invalidateQueries({ queryKey: keys.policies });
    },
  });
  const typeName = (id: number) => types.data?.find((x) => x.id === id)?.name ?? `#${id}`;
  return (
    <div className="a-page admin-page">
      <div className="a-page__header">
        <div>
          <h1>{t("policies.title")}</h1>
          <p className="a-page__subtitle">{t("policies.subtitle")}</p>
        </div>
        <Button variant="primary" onClick={() => setEditing(draftOf(null, types.data?.[0]?.id ?? ""))}>
          {t("policies.new")}
        </Button>
      </div>
      <ErrorAlert error={policies.error ?? remove.error} />
      {policies.isPending ? (
        <PageLoading />
      ) : (
        <div className="a-card admin-table-card">
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">{t("policies.name")}</th>
                <th scope="col">{t("policies.type")}</th>
                <th scope="col">{t("policies.approvers")}</th>
                <th scope="col">{t("policies.deadline")}</th>
                <th scope="col">{t("types.state")}</th>
                <th scope="col">
                  <span className="a-visually-hidden">{t("actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(policies.data ?? []).length === 0 && (
                <tr>
                  <td colSpan={6} className="a-empty">
                    {t("policies.none")}
                  </td>
                </tr>
              )}
              {(policies.data ?? []).map((p) => (
                <tr key={p.id} className={p.is_active === false ? "is-muted" : undefined}>
                  <td>
                    <button type="button" className="admin-linkbutton" onClick={() => setEditing(draftOf(p, ""))}>
                      {p.name}
                    </button>
                  </td>
                  <td>{typeName(p.ticket_type)}</td>
                  <td>{t("policies.approverCount", { people: t("policies.approverPeopleCount", { count: p.approvers?.length ?? 0 }), groups: t("policies.approverGroupsCount", { count: p.approver_groups?.length ?? 0 }) })}</td>
                  <td>{p.deadline_hours != null ? t("policies.hours", { n: p.deadline_hours }) : "—"}</td>
                  <td>{p.is_active === false ? t("routing.inactive") : t("types.activeState")}</td>
                  <td className="admin-table__actions">
                    <Button size="sm" variant="ghost" onClick={() => remove.mutate(p.id)} aria-label={t("deleteOf", { name: p.name })}>
                      {t("delete")}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && <PolicyEditor key={editing.id ?? "new"} draft={editing} onDone={() => setEditing(null)} />}
    </div>
  );
}

function PolicyEditor({ draft, onDone }: { draft: Draft; onDone: () => void }) {
  const { t } = useTranslation("admin");
  const queryClient = useQueryClient();
  const types = useTicketTypes();
  const workflows = useWorkflows();
  const groups = useGroups();
  const [d, setD] = useState(draft);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const type = types.data?.find((x) => x.id === d.ticket_type);
  const statuses = workflows.data?.find((w) => w.id === type?.workflow)?.statuses ?? [];
  const save = useMutation({
    mutationFn: () => {
      const conditions = conditionsToApi(d.conditions);
      const body = {
        ticket_type: Number(d.ticket_type),
        name: d.name.trim(),
        order: d.order,
        is_active: d.is_active,
        deadline_hours: d.deadline_hours.trim() === "" ? null : Number(d.deadline_hours),
        approvers: d.approvers,
        approver_groups: d.approver_groups,
        approved_group: d.approved_group,
        ...d.statuses,
        remarks_status: d.statuses.remarks_status || null,
        conditions,
      } as Policy;
      return d.id
        ? unwrap(api.PUT("/api/v1/approval-policies/{id}/", { params: { path: { id: d.id } }, body }))
        : unwrap(api.POST("/api/v1/approval-policies/", { body }));
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: keys.policies });
      notify(t("policies.saved", { name: saved.name }));
      onDone();
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const err = (name: string) => fieldErrors(save.error, name);
  const Errors = ({ name }: { name: string }) => (err(name) ? <ul className="a-field__errors">{err(name)!.map((m) => <li key={m}>{m}</li>)}</ul> : null);
  return (
    <form className="a-card admin-section" onSubmit={onSubmit} noValidate aria-labelledby="policy-editor">
      <h2 id="policy-editor">{d.id ? t("policies.edit", { name: draft.name }) : t("policies.new")}</h2>
      <ErrorAlert error={save.error} shownFields={["name", "ticket_type", "deadline_hours", "approvers", "approver_groups", "approved_group", ...CONDITION_ERROR_KEYS, ...STATUS_ROLES]} />
      <div className="admin-grid">
        <TextField label={t("policies.name")} value={d.name} onChange={(e) => set({ name: e.target.value })} errors={err("name")} />
        <div className="a-field">
          <label className="a-field__label" htmlFor="policy-type">
            {t("policies.type")}
          </label>
          <select id="policy-type" className="a-input" value={d.ticket_type} onChange={(e) => set({ ticket_type: Number(e.target.value) })}>
            {(types.data ?? []).map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
          <Errors name="ticket_type" />
        </div>
        <TextField label={t("policies.deadline")} inputMode="numeric" value={d.deadline_hours} onChange={(e) => set({ deadline_hours: e.target.value })} errors={err("deadline_hours")} hint={t("policies.deadlineHint")} />
        <label className="admin-check">
          <input type="checkbox" checked={d.is_active} onChange={(e) => set({ is_active: e.target.checked })} />
          {t("routing.active")}
        </label>
      </div>
      <h3>{t("policies.who")}</h3>
      <IdList label={t("policies.approverPeople")} ids={d.approvers} onChange={(approvers) => set({ approvers })} kind="person" errors={err("approvers")} />
      <Checks legend={t("policies.approverGroups")} options={(groups.data ?? []).map((g) => g.id)} value={d.approver_groups} onChange={(approver_groups) => set({ approver_groups })} label={(id) => groups.data?.find((g) => g.id === id)?.name ?? String(id)} />
      <Errors name="approver_groups" />
      <h3>{t("policies.statuses")}</h3>
      <div className="admin-grid">
        {STATUS_ROLES.map((role) => (
          <div key={role} className={`a-field${err(role) ? " a-field--invalid" : ""}`}>
            <label className="a-field__label" htmlFor={`policy-${role}`}>
              {t(`policies.status.${role}`)}
            </label>
            <select id={`policy-${role}`} className="a-input" value={d.statuses[role]} onChange={(e) => set({ statuses: { ...d.statuses, [role]: e.target.value } })}>
              <option value="">{role === "remarks_status" ? t("policies.none2") : t("policies.choose")}</option>
              {statuses.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.name}
                </option>
              ))}
            </select>
            <Errors name={role} />
          </div>
        ))}
        <div className="a-field">
          <label className="a-field__label" htmlFor="policy-approved-group">
            {t("policies.approvedGroup")}
          </label>
          <select id="policy-approved-group" className="a-input" value={d.approved_group ?? ""} onChange={(e) => set({ approved_group: e.target.value ? Number(e.target.value) : null })}>
            <option value="">{t("routing.noChange")}</option>
            {(groups.data ?? []).map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          <Errors name="approved_group" />
        </div>
      </div>
      <h3>{t("policies.when")}</h3>
      <PolicyConditionsEditor value={d.conditions} onChange={(conditions) => set({ conditions })} formFields={(type?.form_fields ?? []).map((f) => ({ key: f.key, label: f.label }))} errors={err} />
      <div className="a-form__actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t("save")}
        </Button>
        <Button onClick={onDone}>{t("shared:actions.cancel")}</Button>
      </div>
    </form>
  );
}
