import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "@/api/client";
import { CompanyPicker, CustomFieldsForm, type FieldValues, LocationPicker, PersonPicker, toApiFields } from "@/features/forms";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { CHANNELS, keys, PRIORITIES, type RoutingRule, type RoutingTestAnswer, useGroups, usePartnerships, useRoutingRules, useTicketTypes } from "../api";
import { Checks, IdList } from "../controls";
import { SortableList } from "../SortableList";
import { emptyRule, FIELD_OPS, type FieldOp, fromRule, reorder, type RuleDraft, toRule } from "./rule";

/** /app/admin/routing: the ordered rules (drag to reorder), a rule's editor, and the tester. */
export default function RoutingPage() {
  const { t } = useTranslation("admin");
  usePageTitle(t("routing.title"));
  const queryClient = useQueryClient();
  const rules = useRoutingRules();
  const groups = useGroups();
  const [editing, setEditing] = useState<RuleDraft | null>(null);
  const move = useMutation({
    mutationFn: async ({ fromId, overId }: { fromId: number; overId: number }) => {
      const { list, changed } = reorder(rules.data ?? [], fromId, overId);
      queryClient.setQueryData(keys.rules, list);
      for (const c of changed) await unwrap(api.PATCH("/api/v1/routing-rules/{id}/", { params: { path: { id: c.id } }, body: { order: c.order } }));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.rules }),
    onSuccess: () => notify(t("routing.reordered")),
  });
  const remove = useMutation({
    mutationFn: (rule: RoutingRule) => unwrap(api.DELETE("/api/v1/routing-rules/{id}/", { params: { path: { id: rule.id } } })),
    onSuccess: () => {
      setEditing(null);
      void queryClient.invalidateQueries({ queryKey: keys.rules });
    },
  });
  const list = rules.data ?? [];
  const groupName = (id: unknown) => groups.data?.find((g) => g.id === id)?.name;
  const nextOrder = (list.at(-1)?.order ?? 0) + 10;
  return (
    <div className="a-page admin-page">
      <div className="a-page__header">
        <div>
          <h1>{t("routing.title")}</h1>
          <p className="a-page__subtitle">{t("routing.subtitle")}</p>
        </div>
        <Button variant="primary" onClick={() => setEditing(emptyRule(nextOrder))}>
          {t("routing.new")}
        </Button>
      </div>
      <ErrorAlert error={rules.error ?? move.error ?? remove.error} />
      <div className="ordered-layout">
        <section className="a-card admin-section" aria-labelledby="routing-rules">
          <h2 id="routing-rules">{t("routing.rules")}</h2>
          <p className="admin-hint">{t("routing.rulesHint")}</p>
          {rules.isPending ? (
            <PageLoading />
          ) : list.length === 0 ? (
            <p className="a-empty">{t("routing.none")}</p>
          ) : (
            <SortableList items={list} idOf={(r) => String(r.id)} labelOf={(r) => r.name} onMove={(from, over) => move.mutate({ fromId: Number(from), overId: Number(over) })}>
              {(rule, handle, index) => {
                const a = (rule.actions ?? {}) as Record<string, unknown>;
                const what = [
                  a.group != null && t("routing.setsGroup", { name: groupName(a.group) ?? a.group }),
                  a.priority != null && t("routing.setsPriority", { name: t(`priority.${a.priority}`) }),
                  a.assignee != null && t(`routing.assignee.${(a.assignee as { mode?: string }).mode ?? "fixed"}`),
                  a.forward != null && t("routing.forwards"),
                ].filter(Boolean);
                return (
                  <div className={`ordered-item${rule.is_active === false ? " is-muted" : ""}${editing?.id === rule.id ? " is-selected" : ""}`}>
                    {handle}
                    <span className="ordered-item__n">{index + 1}.</span>
                    <button type="button" className="ordered-item__name" onClick={() => setEditing(fromRule(rule))}>
                      {rule.name}
                    </button>
                    <span className="routing-rule__what">{what.join(" · ")}</span>
                    {rule.is_active === false && <span className="admin-badge">{t("routing.inactive")}</span>}
                    {rule.stop_processing && <span className="admin-badge">{t("routing.stops")}</span>}
                    <Button size="sm" variant="ghost" disabled={index === 0 || move.isPending} onClick={() => move.mutate({ fromId: rule.id, overId: list[index - 1]!.id })} aria-label={t("types.moveUp", { name: rule.name })}>
                      ↑
                    </Button>
                    <Button size="sm" variant="ghost" disabled={index === list.length - 1 || move.isPending} onClick={() => move.mutate({ fromId: rule.id, overId: list[index + 1]!.id })} aria-label={t("types.moveDown", { name: rule.name })}>
                      ↓
                    </Button>
                  </div>
                );
              }}
            </SortableList>
          )}
        </section>
        {editing && (
          <RuleEditor
            key={editing.id ?? "new"}
            draft={editing}
            onDone={() => setEditing(null)}
            onDelete={editing.id ? () => remove.mutate(list.find((r) => r.id === editing.id)!) : undefined}
          />
        )}
      </div>
      <Tester />
    </div>
  );
}

function RuleEditor({ draft, onDone, onDelete }: { draft: RuleDraft; onDone: () => void; onDelete: (() => void) | undefined }) {
  const { t } = useTranslation("admin");
  const queryClient = useQueryClient();
  const types = useTicketTypes();
  const groups = useGroups();
  const partnerships = usePartnerships();
  const [d, setD] = useState(draft);
  const set = (patch: Partial<RuleDraft>) => setD((x) => ({ ...x, ...patch }));
  const save = useMutation({
    mutationFn: () => {
      const body = toRule(d) as RoutingRule;
      return d.id
        ? unwrap(api.PUT("/api/v1/routing-rules/{id}/", { params: { path: { id: d.id } }, body }))
        : unwrap(api.POST("/api/v1/routing-rules/", { body }));
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: keys.rules });
      notify(t("routing.saved", { name: saved.name }));
      onDone();
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const err = (name: string) => fieldErrors(save.error, name);
  const active = (partnerships.data ?? []).filter((p) => p.state === "active");
  const shown = ["name", "conditions.types", "conditions.priorities", "conditions.channels", "conditions.fields", "conditions.time", "actions.group", "actions.priority", "actions.assignee", "actions.forward", "actions.watchers"];
  return (
    <form className="a-card admin-section ordered-editor" onSubmit={onSubmit} noValidate aria-labelledby="rule-editor">
      <h2 id="rule-editor">{d.id ? t("routing.edit", { name: draft.name }) : t("routing.new")}</h2>
      <ErrorAlert error={save.error} shownFields={shown} />
      <TextField label={t("routing.name")} value={d.name} onChange={(e) => set({ name: e.target.value })} errors={err("name")} />
      <div className="admin-checks">
        <label className="admin-check">
          <input type="checkbox" checked={d.is_active} onChange={(e) => set({ is_active: e.target.checked })} />
          {t("routing.active")}
        </label>
        <label className="admin-check">
          <input type="checkbox" checked={d.stop_processing} onChange={(e) => set({ stop_processing: e.target.checked })} />
          {t("routing.stopProcessing")}
        </label>
      </div>
      <h3>{t("routing.when")}</h3>
      <p className="admin-hint">{t("routing.whenHint")}</p>
      <Checks legend={t("routing.types")} options={(types.data ?? []).map((x) => x.code)} value={d.types} onChange={(types) => set({ types })} label={(code) => types.data?.find((x) => x.code === code)?.name ?? code} />
      <Checks legend={t("routing.priorities")} options={PRIORITIES} value={d.priorities as (1 | 2 | 3 | 4)[]} onChange={(priorities) => set({ priorities })} label={(p) => t(`priority.${p}`)} />
      <Checks legend={t("routing.channels")} options={CHANNELS} value={d.channels as (typeof CHANNELS)[number][]} onChange={(channels) => set({ channels })} label={(c) => t(`channels.${c}`)} />
      <IdList label={t("routing.companies")} ids={d.companies} onChange={(companies) => set({ companies })} kind="company" />
      <IdList label={t("routing.locations")} ids={d.locations} onChange={(locations) => set({ locations })} kind="location" />
      <fieldset className="admin-fieldset">
        <legend>{t("routing.fieldConditions")}</legend>
        {d.fields.map((f, i) => (
          <div key={i} className="routing-fieldcond">
            <input className="a-input" aria-label={t("routing.fieldKey", { n: i + 1 })} placeholder={t("routing.fieldKeyPlaceholder")} value={f.key} onChange={(e) => set({ fields: d.fields.map((x, k) => (k === i ? { ...x, key: e.target.value } : x)) })} />
            <select className="a-input" aria-label={t("routing.fieldOp", { n: i + 1 })} value={f.op} onChange={(e) => set({ fields: d.fields.map((x, k) => (k === i ? { ...x, op: e.target.value as FieldOp } : x)) })}>
              {FIELD_OPS.map((op) => (
                <option key={op} value={op}>
                  {t(`routing.ops.${op}`)}
                </option>
              ))}
            </select>
            <input className="a-input" aria-label={t("routing.fieldValue", { n: i + 1 })} value={f.value} onChange={(e) => set({ fields: d.fields.map((x, k) => (k === i ? { ...x, value: e.target.value } : x)) })} />
            <Button size="sm" variant="ghost" onClick={() => set({ fields: d.fields.filter((_x, k) => k !== i) })} aria-label={t("routing.removeCondition", { n: i + 1 })}>
              {t("remove")}
            </Button>
          </div>
        ))}
        <Button size="sm" onClick={() => set({ fields: [...d.fields, { key: "", op: "eq", value: "" }] })}>
          {t("routing.addCondition")}
        </Button>
        {err("conditions.fields") && <ul className="a-field__errors">{err("conditions.fields")!.map((m) => <li key={m}>{m}</li>)}</ul>}
      </fieldset>
      <fieldset className="admin-fieldset">
        <legend>{t("routing.time")}</legend>
        <label className="admin-check">
          <input type="checkbox" checked={d.timeOn} onChange={(e) => set({ timeOn: e.target.checked })} />
          {t("routing.timeOn")}
        </label>
        {d.timeOn && (
          <>
            <div className="admin-grid">
              <TextField type="time" label={t("routing.from")} value={d.timeFrom} onChange={(e) => set({ timeFrom: e.target.value })} />
              <TextField type="time" label={t("routing.to")} value={d.timeTo} onChange={(e) => set({ timeTo: e.target.value })} />
            </div>
            <Checks legend={t("routing.weekdays")} options={[0, 1, 2, 3, 4, 5, 6]} value={d.weekdays} onChange={(weekdays) => set({ weekdays })} label={(n) => t(`weekdays.${n}`)} />
          </>
        )}
        {err("conditions.time") && <ul className="a-field__errors">{err("conditions.time")!.map((m) => <li key={m}>{m}</li>)}</ul>}
      </fieldset>
      <h3>{t("routing.then")}</h3>
      <div className="admin-grid">
        <div className={`a-field${err("actions.group") ? " a-field--invalid" : ""}`}>
          <label className="a-field__label" htmlFor="rule-group">
            {t("routing.group")}
          </label>
          <select id="rule-group" className="a-input" value={d.group ?? ""} onChange={(e) => set({ group: e.target.value ? Number(e.target.value) : null })}>
            <option value="">{t("routing.noChange")}</option>
            {(groups.data ?? []).map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          {err("actions.group") && <ul className="a-field__errors">{err("actions.group")!.map((m) => <li key={m}>{m}</li>)}</ul>}
        </div>
        <div className="a-field">
          <label className="a-field__label" htmlFor="rule-priority">
            {t("routing.priority")}
          </label>
          <select id="rule-priority" className="a-input" value={d.priority ?? ""} onChange={(e) => set({ priority: e.target.value ? Number(e.target.value) : null })}>
            <option value="">{t("routing.noChange")}</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
        </div>
        <div className={`a-field${err("actions.assignee") ? " a-field--invalid" : ""}`}>
          <label className="a-field__label" htmlFor="rule-assignee">
            {t("routing.assigneeMode")}
          </label>
          <select id="rule-assignee" className="a-input" value={d.assigneeMode} onChange={(e) => set({ assigneeMode: e.target.value as RuleDraft["assigneeMode"] })}>
            <option value="">{t("routing.noChange")}</option>
            {(["fixed", "least_open", "round_robin"] as const).map((m) => (
              <option key={m} value={m}>
                {t(`routing.assignee.${m}`)}
              </option>
            ))}
          </select>
          {err("actions.assignee") && <ul className="a-field__errors">{err("actions.assignee")!.map((m) => <li key={m}>{m}</li>)}</ul>}
        </div>
        {d.assigneeMode === "fixed" && <PersonPicker id="rule-person" label={t("routing.person")} value={d.assigneePerson} onChange={(id) => set({ assigneePerson: id })} />}
      </div>
      <IdList label={t("routing.watchers")} ids={d.watchers} onChange={(watchers) => set({ watchers })} kind="person" errors={err("actions.watchers")} />
      <fieldset className="admin-fieldset">
        <legend>{t("routing.forward")}</legend>
        <div className="admin-grid">
          <div className={`a-field${err("actions.forward") ? " a-field--invalid" : ""}`}>
            <label className="a-field__label" htmlFor="rule-forward">
              {t("routing.partner")}
            </label>
            <select id="rule-forward" className="a-input" value={d.forwardTo} onChange={(e) => set({ forwardTo: e.target.value })}>
              <option value="">{t("routing.noForward")}</option>
              {active.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.partner?.name ?? p.id}
                </option>
              ))}
            </select>
            {err("actions.forward") && <ul className="a-field__errors">{err("actions.forward")!.map((m) => <li key={m}>{m}</li>)}</ul>}
          </div>
          {d.forwardTo && <TextField label={t("routing.forwardNote")} value={d.forwardNote} onChange={(e) => set({ forwardNote: e.target.value })} />}
        </div>
      </fieldset>
      <div className="a-form__actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t("save")}
        </Button>
        <Button onClick={onDone}>{t("shared:actions.cancel")}</Button>
        {onDelete && (
          <Button variant="danger" onClick={onDelete}>
            {t("delete")}
          </Button>
        )}
      </div>
    </form>
  );
}

function Tester() {
  const { t } = useTranslation("admin");
  const types = useTicketTypes();
  const [type, setType] = useState("");
  const [priority, setPriority] = useState<number | "">("");
  const [channel, setChannel] = useState("web");
  const [company, setCompany] = useState<number | null>(null);
  const [location, setLocation] = useState<number | null>(null);
  const [values, setValues] = useState<FieldValues>({});
  const chosen = types.data?.find((x) => x.code === type) ?? types.data?.[0];
  const run = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/routing-rules/test/", {
          body: {
            type: chosen?.code ?? "",
            title: "",
            description: "",
            channel,
            priority: priority === "" ? null : priority,
            company,
            location,
            fields: toApiFields(chosen?.form_fields ?? [], values),
          },
        }),
      ),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate();
  };
  const answer: RoutingTestAnswer | undefined = run.data;
  return (
    <section className="a-card admin-section routing-tester" aria-labelledby="routing-tester">
      <h2 id="routing-tester">{t("routing.tester")}</h2>
      <p className="admin-hint">{t("routing.testerHint")}</p>
      <form onSubmit={onSubmit} noValidate className="routing-tester__form">
        <ErrorAlert error={run.error} shownFields={(chosen?.form_fields ?? []).map((f) => `fields.${f.key}`)} />
        <div className="admin-grid">
          <div className="a-field">
            <label className="a-field__label" htmlFor="test-type">
              {t("routing.testType")}
            </label>
            <select
              id="test-type"
              className="a-input"
              value={chosen?.code ?? ""}
              onChange={(e) => {
                setType(e.target.value);
                setValues({});
                run.reset();
              }}
            >
              {(types.data ?? []).map((x) => (
                <option key={x.id} value={x.code}>
                  {x.name}
                </option>
              ))}
            </select>
          </div>
          <div className="a-field">
            <label className="a-field__label" htmlFor="test-priority">
              {t("routing.priority")}
            </label>
            <select id="test-priority" className="a-input" value={priority} onChange={(e) => setPriority(e.target.value ? Number(e.target.value) : "")}>
              <option value="">{t("routing.typeDefault")}</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="a-field">
            <label className="a-field__label" htmlFor="test-channel">
              {t("routing.channel")}
            </label>
            <select id="test-channel" className="a-input" value={channel} onChange={(e) => setChannel(e.target.value)}>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {t(`channels.${c}`)}
                </option>
              ))}
            </select>
          </div>
          <CompanyPicker id="test-company" label={t("routing.company")} value={company} onChange={(id) => setCompany(id)} errors={fieldErrors(run.error, "company")} />
          <LocationPicker id="test-location" label={t("routing.location")} value={location} onChange={(id) => setLocation(id)} errors={fieldErrors(run.error, "location")} />
        </div>
        {chosen && <CustomFieldsForm fields={chosen.form_fields ?? []} values={values} onChange={setValues} error={run.error} idPrefix="test" />}
        <div className="a-form__actions">
          <Button type="submit" variant="primary" busy={run.isPending} disabled={!chosen}>
            {t("routing.test")}
          </Button>
        </div>
      </form>
      {answer && (
        <div className="routing-answer" role="status" aria-live="polite">
          <h3>{answer.matched ? t("routing.fires", { name: answer.rule?.name ?? "" }) : t("routing.noMatch")}</h3>
          <dl className="routing-answer__facts">
            <dt>{t("routing.group")}</dt>
            <dd data-testid="tester-group">{answer.result.group?.name ?? "—"}</dd>
            <dt>{t("routing.assigneeLabel")}</dt>
            <dd>{answer.result.assignee?.name ?? "—"}</dd>
            <dt>{t("routing.priority")}</dt>
            <dd>{t(`priority.${answer.result.priority}`)}</dd>
          </dl>
          {answer.applied.length > 1 && (
            <ol className="routing-answer__steps">
              {answer.applied.map((step) => (
                <li key={step.id}>{step.rule}</li>
              ))}
            </ol>
          )}
          <p className="routing-answer__explanation">{answer.explanation}</p>
          {answer.applied.some((s) => "forward" in s.set) && <Alert tone="info">{t("routing.forwardNotRun")}</Alert>}
        </div>
      )}
    </section>
  );
}
