import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, lazy, Suspense, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "@/api/client";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, Spinner, TextField, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { CATEGORIES, keys, ROLES, type Workflow, useGroups, useWorkflows } from "../api";
import { SortableList } from "../SortableList";
import { PersonPicker } from "@/features/forms";
import { type AssigneeAction, CATEGORY_COLOURS, type Doc, fromWorkflow, newStatus, newTransition, toWorkflowWrite, type TransitionDraft } from "./doc";

const WorkflowDiagram = lazy(() => import("./WorkflowDiagram"));

/** /app/admin/workflows/:id (or /new): statuses and transitions, as tables and as a diagram. */
export default function WorkflowEditPage() {
  const { id = "new" } = useParams();
  const { t } = useTranslation("admin");
  const workflows = useWorkflows();
  const workflow = id === "new" ? undefined : workflows.data?.find((w) => String(w.id) === id);
  usePageTitle(workflow?.name ?? t("workflows.new"));
  if (workflows.isPending) return <PageLoading />;
  if (id !== "new" && !workflow)
    return (
      <div className="a-page admin-page">
        <h1>{t("workflows.title")}</h1>
        <ErrorAlert error={workflows.error} />
        {!workflows.error && <Alert tone="warning">{t("workflows.missing")}</Alert>}
      </div>
    );
  return <WorkflowEditor key={id} workflow={workflow} />;
}

function WorkflowEditor({ workflow }: { workflow: Workflow | undefined }) {
  const { t } = useTranslation("admin");
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const groups = useGroups();
  const [doc, setDoc] = useState<Doc>(() => fromWorkflow(workflow));
  const [checked, setChecked] = useState(false);
  const send = (dryRun: boolean) => {
    const body = toWorkflowWrite(doc);
    const query = dryRun ? { dry_run: true } : {};
    return workflow
      ? unwrap(api.PUT("/api/v1/workflows/{id}/", { params: { path: { id: workflow.id }, query }, body }))
      : unwrap(api.POST("/api/v1/workflows/", { params: { query }, body }));
  };
  const check = useMutation({ mutationFn: () => send(true), onSuccess: () => setChecked(true) });
  const save = useMutation({
    mutationFn: () => send(false),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: keys.workflows });
      notify(t("workflows.saved", { name: saved.name }));
      if (!workflow) navigate(`/admin/workflows/${saved.id}`, { replace: true });
    },
  });
  const change = (next: Doc) => {
    setDoc(next);
    setChecked(false);
    check.reset();
  };
  const error = save.error ?? check.error;
  const err = (name: string) => fieldErrors(error, name);
  const keysList = doc.statuses.map((s) => s.key).filter(Boolean);
  const setStatus = (uid: string, patch: Partial<Doc["statuses"][number]>) =>
    change({
      ...doc,
      statuses: doc.statuses.map((s) => (s.uid === uid ? { ...s, ...patch } : patch.is_initial ? { ...s, is_initial: false } : s)),
    });
  const setTransition = (uid: string, patch: Partial<TransitionDraft>) =>
    change({ ...doc, transitions: doc.transitions.map((x) => (x.uid === uid ? { ...x, ...patch } : x)) });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const shown = ["code", "name", "statuses", "transitions", ...doc.statuses.flatMap((_s, i) => [`statuses.${i}.category`, `statuses.${i}.name`, `statuses.${i}.color`]), ...doc.transitions.flatMap((_x, i) => [`transitions.${i}`, `transitions.${i}.name`, `transitions.${i}.allowed_roles`])];
  return (
    <form className="a-page admin-page" onSubmit={onSubmit} noValidate>
      <div className="a-page__header">
        <div>
          <p className="admin-breadcrumb">
            <Link to="/admin/workflows">{t("workflows.title")}</Link>
          </p>
          <h1>{workflow?.name ?? t("workflows.new")}</h1>
        </div>
        <div className="admin-actions">
          <Button onClick={() => check.mutate()} busy={check.isPending}>
            {t("workflows.check")}
          </Button>
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t("save")}
          </Button>
        </div>
      </div>
      <ErrorAlert error={error} shownFields={shown} title={check.error && !save.error ? t("workflows.checkFailed") : undefined} />
      {checked && !check.error && <Alert tone="success">{t("workflows.checkOk")}</Alert>}
      <section className="a-card admin-section" aria-labelledby="wf-settings">
        <h2 id="wf-settings">{t("workflows.settings")}</h2>
        <div className="admin-grid">
          <TextField label={t("workflows.name")} value={doc.name} onChange={(e) => change({ ...doc, name: e.target.value })} errors={err("name")} />
          <TextField label={t("workflows.code")} value={doc.code} onChange={(e) => change({ ...doc, code: e.target.value })} errors={err("code")} />
        </div>
      </section>

      <section className="a-card admin-section" aria-labelledby="wf-statuses">
        <h2 id="wf-statuses">{t("workflows.statuses")}</h2>
        {err("statuses") && <Alert tone="error">{err("statuses")!.join(" ")}</Alert>}
        <SortableList
          items={doc.statuses}
          idOf={(s) => s.uid}
          labelOf={(s) => s.name || s.key}
          onMove={(from, over) => {
            const list = [...doc.statuses];
            const i = list.findIndex((s) => s.uid === from);
            const j = list.findIndex((s) => s.uid === over);
            const [moved] = list.splice(i, 1);
            list.splice(j, 0, moved!);
            change({ ...doc, statuses: list });
          }}
          className="wf-status-list"
        >
          {(s, handle, i) => (
            <div className="wf-status" role="group" aria-label={t("workflows.statusN", { n: i + 1, name: s.name || s.key })}>
              {handle}
              <span className={`wf-swatch wf-cat--${s.category}`} style={s.color ? { background: s.color } : undefined} aria-hidden="true" />
              <TextField id={`st-${s.uid}-name`} label={t("workflows.statusName")} value={s.name} onChange={(e) => setStatus(s.uid, { name: e.target.value })} errors={err(`statuses.${i}.name`)} />
              <TextField id={`st-${s.uid}-key`} label={t("workflows.statusKey")} value={s.key} onChange={(e) => setStatus(s.uid, { key: e.target.value })} readOnly={s.saved} hint={s.saved ? t("workflows.keyFixed") : undefined} />
              <div className="a-field">
                <label className="a-field__label" htmlFor={`st-${s.uid}-cat`}>
                  {t("workflows.category")}
                </label>
                <select id={`st-${s.uid}-cat`} className="a-input" value={s.category} onChange={(e) => setStatus(s.uid, { category: e.target.value as Doc["statuses"][number]["category"] })}>
                  {CATEGORIES.map((c) => (
                    <option key={c} value={c}>
                      {t(`categories.${c}`)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="a-field">
                <label className="a-field__label" htmlFor={`st-${s.uid}-color`}>
                  {t("workflows.color")}
                </label>
                <span className="wf-color">
                  <input
                    id={`st-${s.uid}-color`}
                    type="color"
                    className="wf-color__input"
                    value={s.color || CATEGORY_COLOURS[s.category]}
                    onChange={(e) => setStatus(s.uid, { color: e.target.value.toUpperCase() })}
                    aria-describedby={err(`statuses.${i}.color`)?.length ? `st-${s.uid}-color-err` : undefined}
                  />
                  {s.color && (
                    <Button size="sm" variant="ghost" onClick={() => setStatus(s.uid, { color: "" })} aria-label={t("workflows.colorReset", { name: s.name || s.key })}>
                      {t("workflows.colorCategory")}
                    </Button>
                  )}
                </span>
                {!!err(`statuses.${i}.color`)?.length && (
                  <ul id={`st-${s.uid}-color-err`} className="a-field__errors">
                    {(err(`statuses.${i}.color`) ?? []).map((m) => (
                      <li key={m}>{m}</li>
                    ))}
                  </ul>
                )}
              </div>
              <label className="admin-check">
                <input type="radio" name="wf-initial" checked={s.is_initial} onChange={() => setStatus(s.uid, { is_initial: true })} />
                {t("workflows.initial")}
              </label>
              <Button size="sm" variant="ghost" onClick={() => change({ ...doc, statuses: doc.statuses.filter((x) => x.uid !== s.uid) })} aria-label={t("workflows.removeStatus", { name: s.name || s.key })}>
                {t("remove")}
              </Button>
            </div>
          )}
        </SortableList>
        <Button onClick={() => change({ ...doc, statuses: [...doc.statuses, newStatus(doc)] })}>{t("workflows.addStatus")}</Button>
      </section>

      <section className="a-card admin-section" aria-labelledby="wf-transitions">
        <h2 id="wf-transitions">{t("workflows.transitions")}</h2>
        {err("transitions") && <Alert tone="error">{err("transitions")!.join(" ")}</Alert>}
        <div className="admin-table-scroll">
          <table className="admin-table wf-transitions">
            <thead>
              <tr>
                <th scope="col">{t("workflows.from")}</th>
                <th scope="col">{t("workflows.to")}</th>
                <th scope="col">{t("workflows.transitionName")}</th>
                <th scope="col">{t("workflows.who")}</th>
                <th scope="col">{t("workflows.needs")}</th>
                <th scope="col">{t("workflows.then")}</th>
                <th scope="col">
                  <span className="a-visually-hidden">{t("actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {doc.transitions.map((x, i) => {
                const rowLabel = x.name || `${x.source} → ${x.target}`;
                const rowErrors = [...(err(`transitions.${i}`) ?? []), ...(err(`transitions.${i}.name`) ?? []), ...(err(`transitions.${i}.allowed_roles`) ?? [])];
                return (
                  <tr key={x.uid} className={rowErrors.length ? "is-invalid" : undefined}>
                    <td>
                      <select className="a-input" aria-label={t("workflows.fromOf", { name: rowLabel })} value={x.source} onChange={(e) => setTransition(x.uid, { source: e.target.value })}>
                        {keysList.map((k) => (
                          <option key={k} value={k}>
                            {doc.statuses.find((s) => s.key === k)?.name || k}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <select className="a-input" aria-label={t("workflows.toOf", { name: rowLabel })} value={x.target} onChange={(e) => setTransition(x.uid, { target: e.target.value })}>
                        {keysList.map((k) => (
                          <option key={k} value={k}>
                            {doc.statuses.find((s) => s.key === k)?.name || k}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <input className="a-input" aria-label={t("workflows.nameOf", { n: i + 1 })} value={x.name} onChange={(e) => setTransition(x.uid, { name: e.target.value })} />
                      {rowErrors.length > 0 && (
                        <ul className="a-field__errors">
                          {rowErrors.map((m) => (
                            <li key={m}>{m}</li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>
                      <details className="wf-who">
                        <summary>{x.allowed_roles.length || x.allowed_groups.length ? [...x.allowed_roles.map((r) => t(`shared:roles.${r}`)), ...x.allowed_groups.map((g) => groups.data?.find((gr) => gr.id === g)?.name ?? String(g))].join(", ") : t("workflows.anyone")}</summary>
                        <fieldset className="admin-fieldset">
                          <legend>{t("workflows.roles")}</legend>
                          {[...ROLES, "requester" as const].map((role) => (
                            <label key={role} className="admin-check">
                              <input
                                type="checkbox"
                                checked={x.allowed_roles.includes(role)}
                                onChange={(e) => setTransition(x.uid, { allowed_roles: e.target.checked ? [...x.allowed_roles, role] : x.allowed_roles.filter((r) => r !== role) })}
                              />
                              {role === "requester" ? t("workflows.requester") : t(`shared:roles.${role}`)}
                            </label>
                          ))}
                        </fieldset>
                        {(groups.data ?? []).length > 0 && (
                          <fieldset className="admin-fieldset">
                            <legend>{t("workflows.groups")}</legend>
                            {(groups.data ?? []).map((g) => (
                              <label key={g.id} className="admin-check">
                                <input
                                  type="checkbox"
                                  checked={x.allowed_groups.includes(g.id)}
                                  onChange={(e) => setTransition(x.uid, { allowed_groups: e.target.checked ? [...x.allowed_groups, g.id] : x.allowed_groups.filter((id) => id !== g.id) })}
                                />
                                {g.name}
                              </label>
                            ))}
                          </fieldset>
                        )}
                      </details>
                    </td>
                    <td>
                      <label className="admin-check">
                        <input type="checkbox" checked={x.comment_required} onChange={(e) => setTransition(x.uid, { comment_required: e.target.checked })} />
                        {t("workflows.commentRequired")}
                      </label>
                      <input
                        className="a-input"
                        aria-label={t("workflows.requiredFieldsOf", { n: i + 1 })}
                        placeholder={t("workflows.requiredFields")}
                        value={x.required_fields}
                        onChange={(e) => setTransition(x.uid, { required_fields: e.target.value })}
                      />
                    </td>
                    <td>
                      <div className="wf-then">
                        <select
                          className="a-input"
                          aria-label={t("workflows.setGroupOf", { n: i + 1 })}
                          value={x.set_group == null ? "" : String(x.set_group)}
                          onChange={(e) => setTransition(x.uid, { set_group: e.target.value ? Number(e.target.value) : null })}
                        >
                          <option value="">{t("workflows.groupStays")}</option>
                          {(groups.data ?? []).map((g) => (
                            <option key={g.id} value={g.id}>
                              {t("workflows.groupTo", { name: g.name })}
                            </option>
                          ))}
                        </select>
                        <select
                          className="a-input"
                          aria-label={t("workflows.assigneeOf", { n: i + 1 })}
                          value={x.assignee}
                          onChange={(e) => setTransition(x.uid, { assignee: e.target.value as AssigneeAction })}
                        >
                          {(["keep", "set", "clear"] as const).map((mode) => (
                            <option key={mode} value={mode}>
                              {t(`workflows.assignee.${mode}`)}
                            </option>
                          ))}
                        </select>
                        {x.assignee === "set" && (
                          <PersonPicker
                            id={`wf-assignee-${x.uid}`}
                            label={t("workflows.assigneePersonOf", { n: i + 1 })}
                            value={x.set_assignee}
                            onChange={(id) => setTransition(x.uid, { set_assignee: id })}
                          />
                        )}
                        {[...(err(`transitions.${i}.set_group`) ?? []), ...(err(`transitions.${i}.set_assignee`) ?? [])].length > 0 && (
                          <ul className="a-field__errors">
                            {[...(err(`transitions.${i}.set_group`) ?? []), ...(err(`transitions.${i}.set_assignee`) ?? [])].map((m) => (
                              <li key={m}>{m}</li>
                            ))}
                          </ul>
                        )}
                      </div>
                    </td>
                    <td>
                      <Button size="sm" variant="ghost" onClick={() => change({ ...doc, transitions: doc.transitions.filter((y) => y.uid !== x.uid) })} aria-label={t("workflows.removeTransition", { name: rowLabel })}>
                        {t("remove")}
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <Button
          onClick={() =>
            change({
              ...doc,
              transitions: [
                ...doc.transitions,
                newTransition(keysList[0] ?? "", keysList[1] ?? keysList[0] ?? ""),
              ],
            })
          }
        >
          {t("workflows.addTransition")}
        </Button>
      </section>

      <section className="a-card admin-section" aria-labelledby="wf-diagram">
        <h2 id="wf-diagram">{t("workflows.diagram")}</h2>
        <Suspense fallback={<Spinner />}>
          <WorkflowDiagram statuses={doc.statuses} transitions={doc.transitions} />
        </Suspense>
      </section>
    </form>
  );
}
