import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Schemas, unwrap } from "@/api/client";
import { Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import { notify } from "@/shared/ui/Toaster";
import { type ChecklistTemplate, keys, useChecklistTemplates, useTicketTypes, useWorkflows } from "../api";
import { Checks } from "../controls";
import { SortableList } from "../SortableList";

type ItemKind = Schemas["ChecklistItemKindEnum"];
const ITEM_KINDS: ItemKind[] = ["check", "yes_no", "number", "text"];

interface ItemDraft {
  uid: string;
  label: string;
  kind: ItemKind;
  required: boolean;
}

interface Draft {
  id: number | null;
  ticket_type: number | "";
  name: string;
  stage: string; // "" = when the ticket is filed
  required_for: string[];
  items: ItemDraft[];
  order: number;
}

let seq = 0;
const uid = () => `i${++seq}`;

function draftOf(template: ChecklistTemplate | null, firstType: number | ""): Draft {
  return {
    id: template?.id ?? null,
    ticket_type: template?.ticket_type ?? firstType,
    name: template?.name ?? "",
    stage: template?.stage ?? "",
    required_for: template?.required_for ?? [],
    items: (template?.items ?? [{ label: "", kind: "check", required: false }]).map((i) => ({ uid: uid(), label: i.label, kind: i.kind ?? "check", required: !!i.required })),
    order: template?.order ?? 0,
  };
}

/** /app/admin/checklists: checklist templates per ticket type and stage. */
export default function ChecklistsPage() {
  const { t } = useTranslation("admin");
  usePageTitle(t("checklists.title"));
  const queryClient = useQueryClient();
  const templates = useChecklistTemplates();
  const types = useTicketTypes();
  const [editing, setEditing] = useState<Draft | null>(null);
  const remove = useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE("/api/v1/checklist-templates/{id}/", { params: { path: { id } } })),
    onSuccess: () => {
      setEditing(null);
      void queryClient.invalidateQueries({ queryKey: keys.checklists });
    },
  });
  const typeName = (id: number) => types.data?.find((x) => x.id === id)?.name ?? `#${id}`;
  return (
    <div className="a-page admin-page">
      <div className="a-page__header">
        <div>
          <h1>{t("checklists.title")}</h1>
          <p className="a-page__subtitle">{t("checklists.subtitle")}</p>
        </div>
        <Button variant="primary" onClick={() => setEditing(draftOf(null, types.data?.[0]?.id ?? ""))}>
          {t("checklists.new")}
        </Button>
      </div>
      <ErrorAlert error={templates.error ?? remove.error} />
      {templates.isPending ? (
        <PageLoading />
      ) : (
        <div className="a-card admin-table-card">
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">{t("checklists.name")}</th>
                <th scope="col">{t("checklists.type")}</th>
                <th scope="col">{t("checklists.stage")}</th>
                <th scope="col">{t("checklists.items")}</th>
                <th scope="col">
                  <span className="a-visually-hidden">{t("actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(templates.data ?? []).length === 0 && (
                <tr>
                  <td colSpan={5} className="a-empty">
                    {t("checklists.none")}
                  </td>
                </tr>
              )}
              {(templates.data ?? []).map((tpl) => (
                <tr key={tpl.id}>
                  <td>
                    <button type="button" className="admin-linkbutton" onClick={() => setEditing(draftOf(tpl, ""))}>
                      {tpl.name}
                    </button>
                  </td>
                  <td>{typeName(tpl.ticket_type)}</td>
                  <td>{tpl.stage ?? t("checklists.whenFiled")}</td>
                  <td>{tpl.items.length}</td>
                  <td className="admin-table__actions">
                    <Button size="sm" variant="ghost" onClick={() => remove.mutate(tpl.id)} aria-label={t("deleteOf", { name: tpl.name })}>
                      {t("delete")}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && <TemplateEditor key={editing.id ?? "new"} draft={editing} onDone={() => setEditing(null)} />}
    </div>
  );
}

function TemplateEditor({ draft, onDone }: { draft: Draft; onDone: () => void }) {
  const { t } = useTranslation("admin");
  const queryClient = useQueryClient();
  const types = useTicketTypes();
  const workflows = useWorkflows();
  const [d, setD] = useState(draft);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const type = types.data?.find((x) => x.id === d.ticket_type);
  const statuses = workflows.data?.find((w) => w.id === type?.workflow)?.statuses ?? [];
  const save = useMutation({
    mutationFn: () => {
      const body = {
        ticket_type: Number(d.ticket_type),
        name: d.name.trim(),
        stage: d.stage || null,
        required_for: d.required_for,
        items: d.items.map((i) => ({ label: i.label.trim(), kind: i.kind, required: i.required })),
        order: d.order,
      } as ChecklistTemplate;
      return d.id
        ? unwrap(api.PUT("/api/v1/checklist-templates/{id}/", { params: { path: { id: d.id } }, body }))
        : unwrap(api.POST("/api/v1/checklist-templates/", { body }));
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: keys.checklists });
      notify(t("checklists.saved", { name: saved.name }));
      onDone();
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const err = (name: string) => fieldErrors(save.error, name);
  const setItem = (id: string, patch: Partial<ItemDraft>) => set({ items: d.items.map((i) => (i.uid === id ? { ...i, ...patch } : i)) });
  return (
    <form className="a-card admin-section" onSubmit={onSubmit} noValidate aria-labelledby="tpl-editor">
      <h2 id="tpl-editor">{d.id ? t("checklists.edit", { name: draft.name }) : t("checklists.new")}</h2>
      <ErrorAlert error={save.error} shownFields={["name", "ticket_type", "stage", "required_for", "items"]} />
      <div className="admin-grid">
        <TextField label={t("checklists.name")} value={d.name} onChange={(e) => set({ name: e.target.value })} errors={err("name")} />
        <div className="a-field">
          <label className="a-field__label" htmlFor="tpl-type">
            {t("checklists.type")}
          </label>
          <select id="tpl-type" className="a-input" value={d.ticket_type} onChange={(e) => set({ ticket_type: Number(e.target.value), stage: "", required_for: [] })}>
            {(types.data ?? []).map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
          {err("ticket_type") && <ul className="a-field__errors">{err("ticket_type")!.map((m) => <li key={m}>{m}</li>)}</ul>}
        </div>
        <div className="a-field">
          <label className="a-field__label" htmlFor="tpl-stage">
            {t("checklists.stage")}
          </label>
          <select id="tpl-stage" className="a-input" value={d.stage} onChange={(e) => set({ stage: e.target.value })}>
            <option value="">{t("checklists.whenFiled")}</option>
            {statuses.map((s) => (
              <option key={s.key} value={s.key}>
                {s.name}
              </option>
            ))}
          </select>
          {err("stage") && <ul className="a-field__errors">{err("stage")!.map((m) => <li key={m}>{m}</li>)}</ul>}
        </div>
      </div>
      <Checks legend={t("checklists.requiredFor")} options={statuses.map((s) => s.key)} value={d.required_for} onChange={(required_for) => set({ required_for })} label={(k) => statuses.find((s) => s.key === k)?.name ?? k} />
      <h3>{t("checklists.items")}</h3>
      {err("items") && <ul className="a-field__errors">{err("items")!.map((m) => <li key={m}>{m}</li>)}</ul>}
      <SortableList
        items={d.items}
        idOf={(i) => i.uid}
        labelOf={(i) => i.label || t("types.untitled")}
        onMove={(from, over) => {
          const list = [...d.items];
          const a = list.findIndex((i) => i.uid === from);
          const b = list.findIndex((i) => i.uid === over);
          const [moved] = list.splice(a, 1);
          list.splice(b, 0, moved!);
          set({ items: list });
        }}
      >
        {(item, handle, index) => (
          <div className="tpl-item" role="group" aria-label={t("checklists.itemN", { n: index + 1 })}>
            {handle}
            <input className="a-input" aria-label={t("checklists.itemLabel", { n: index + 1 })} value={item.label} onChange={(e) => setItem(item.uid, { label: e.target.value })} />
            <select className="a-input" aria-label={t("checklists.itemKind", { n: index + 1 })} value={item.kind} onChange={(e) => setItem(item.uid, { kind: e.target.value as ItemKind })}>
              {ITEM_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`checklists.kinds.${k}`)}
                </option>
              ))}
            </select>
            <label className="admin-check">
              <input type="checkbox" checked={item.required} onChange={(e) => setItem(item.uid, { required: e.target.checked })} />
              {t("types.required")}
            </label>
            <Button size="sm" variant="ghost" onClick={() => set({ items: d.items.filter((i) => i.uid !== item.uid) })} aria-label={t("checklists.removeItem", { n: index + 1 })}>
              {t("remove")}
            </Button>
          </div>
        )}
      </SortableList>
      <Button size="sm" onClick={() => set({ items: [...d.items, { uid: uid(), label: "", kind: "check", required: false }] })}>
        {t("checklists.addItem")}
      </Button>
      <div className="a-form__actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t("save")}
        </Button>
        <Button onClick={onDone}>{t("shared:actions.cancel")}</Button>
      </div>
    </form>
  );
}
