import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import {
  createEquipment,
  createLocation,
  depth,
  type Equipment,
  equipmentKey,
  KINDS,
  labelsUrl,
  listEquipment,
  listLocations,
  type Location,
  type LocationKind,
  locationsKey,
  moveEquipment,
  moveLocation,
} from "./api";
import "../adminScreens.css";

/**
 * /app/admin/locations: the location tree, moves, equipment per location and printable QR labels
 * (an A4 PDF from the API for a selection or a subtree; each QR opens the portal's report page).
 */
export default function LocationsPage() {
  const { t } = useTranslation("locations");
  usePageTitle(t("title"));
  const locations = useQuery({ queryKey: locationsKey, queryFn: listLocations });
  const [selected, setSelected] = useState<number[]>([]);
  const [open, setOpen] = useState<number | null>(null);
  const toggle = (id: number) =>
    setSelected((current) => (current.includes(id) ? current.filter((x) => x !== id) : [...current, id]));
  const items = locations.data ?? [];
  const current = items.find((l) => l.id === open) ?? null;
  return (
    <div className="a-page adm">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{t("subtitle")}</p>
        </div>
      </div>
      <section className="a-card adm__card" aria-labelledby="loc-tree">
        <div className="adm__card-head">
          <h2 id="loc-tree">{t("tree.title")}</h2>
          <div className="adm__buttons">
            {selected.length > 0 ? (
              <a className="a-btn a-btn--primary" href={labelsUrl("locations", { ids: selected })} target="_blank" rel="noopener">
                {t("labels.selected", { count: selected.length })}
              </a>
            ) : (
              <span className="adm__muted">{t("labels.chooseHint")}</span>
            )}
          </div>
        </div>
        {locations.isPending ? (
          <PageLoading />
        ) : locations.isError ? (
          <ErrorAlert error={locations.error} />
        ) : items.length === 0 ? (
          <p className="a-empty">{t("tree.empty")}</p>
        ) : (
          <ul className="adm__tree" aria-label={t("tree.title")}>
            {items.map((l) => (
              <li key={l.id} style={{ paddingLeft: `${depth(l) * 20}px` }}>
                <input
                  type="checkbox"
                  id={`loc-${l.id}`}
                  checked={selected.includes(l.id)}
                  onChange={() => toggle(l.id)}
                />
                <label htmlFor={`loc-${l.id}`} className="adm__strong">
                  {l.name}
                </label>
                <span className="adm__muted">
                  {t(`kinds.${l.kind}`)}
                  {l.code ? ` · ${l.code}` : ""}
                </span>
                <span style={{ flex: 1 }} />
                <Button size="sm" variant="ghost" onClick={() => setOpen(l.id)} aria-label={t("tree.openOf", { name: l.name })}>
                  {t("tree.open")}
                </Button>
                <a
                  className="a-btn a-btn--ghost a-btn--sm"
                  href={labelsUrl("locations", { subtree: l.id })}
                  target="_blank"
                  rel="noopener"
                  aria-label={t("labels.subtreeOf", { name: l.name })}
                >
                  {t("labels.subtree")}
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
      {current && <LocationPanel key={current.id} location={current} all={items} onClose={() => setOpen(null)} />}
      <NewLocationCard all={items} />
    </div>
  );
}

function ParentSelect({
  all,
  value,
  onChange,
  label,
  exclude,
}: {
  all: Location[];
  value: number | null;
  onChange: (id: number | null) => void;
  label: string;
  exclude?: Location;
}) {
  const { t } = useTranslation("locations");
  const id = useId();
  const options = exclude ? all.filter((l) => !l.path.startsWith(exclude.path)) : all;
  return (
    <div className="a-field">
      <label className="a-field__label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="a-input" value={value ?? ""} onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)}>
        <option value="">{t("tree.root")}</option>
        {options.map((l) => (
          <option key={l.id} value={l.id}>
            {"— ".repeat(depth(l))}
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function LocationPanel({ location, all, onClose }: { location: Location; all: Location[]; onClose: () => void }) {
  const { t } = useTranslation("locations");
  const queryClient = useQueryClient();
  const [parent, setParent] = useState<number | null>(location.parent ?? null);
  const move = useMutation({
    mutationFn: () => moveLocation(location.id, parent),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: locationsKey }),
  });
  const equipment = useQuery({ queryKey: [...equipmentKey, location.id], queryFn: () => listEquipment(location.id) });
  return (
    <section className="a-card adm__card" aria-labelledby="loc-panel">
      <div className="adm__card-head">
        <h2 id="loc-panel">{location.name}</h2>
        <Button size="sm" variant="ghost" onClick={onClose}>
          {t("tree.close")}
        </Button>
      </div>
      <ErrorAlert error={move.error} shownFields={["parent"]} />
      <form
        className="adm__row-form"
        onSubmit={(e) => {
          e.preventDefault();
          move.mutate();
        }}
      >
        <ParentSelect all={all} value={parent} onChange={setParent} label={t("move.under")} exclude={location} />
        <div className="adm__row-form-actions">
          <Button type="submit" busy={move.isPending}>
            {t("move.submit")}
          </Button>
        </div>
      </form>
      <h3>{t("equipment.title")}</h3>
      {equipment.isPending ? (
        <PageLoading />
      ) : equipment.isError ? (
        <ErrorAlert error={equipment.error} />
      ) : (
        <EquipmentList location={location} items={equipment.data} all={all} />
      )}
    </section>
  );
}

function EquipmentList({ location, items, all }: { location: Location; items: Equipment[]; all: Location[] }) {
  const { t } = useTranslation("locations");
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [kind, setKind] = useState("");
  const [inventory, setInventory] = useState("");
  const refresh = () => queryClient.invalidateQueries({ queryKey: equipmentKey });
  const add = useMutation({
    mutationFn: () => createEquipment({ name, kind, inventory_number: inventory, location: location.id }),
    onSuccess: () => {
      setName("");
      setKind("");
      setInventory("");
      void refresh();
    },
  });
  const move = useMutation({ mutationFn: ({ id, to }: { id: number; to: number | null }) => moveEquipment(id, to), onSuccess: refresh });
  return (
    <>
      {items.length === 0 ? (
        <p className="a-empty">{t("equipment.empty")}</p>
      ) : (
        <>
          <p>
            <a className="a-btn a-btn--sm" href={labelsUrl("equipment", { ids: items.map((i) => i.id) })} target="_blank" rel="noopener">
              {t("labels.equipment", { count: items.length })}
            </a>
          </p>
          <ErrorAlert error={move.error} />
          <table className="adm__table">
            <thead>
              <tr>
                <th scope="col">{t("equipment.name")}</th>
                <th scope="col">{t("equipment.kind")}</th>
                <th scope="col">{t("equipment.inventory")}</th>
                <th scope="col">{t("equipment.moveTo")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td className="adm__strong">{item.name}</td>
                  <td>{item.kind}</td>
                  <td>{item.inventory_number || "—"}</td>
                  <td>
                    <select
                      className="a-input"
                      aria-label={t("equipment.moveOf", { name: item.name })}
                      value={item.location ?? ""}
                      onChange={(e) => move.mutate({ id: item.id, to: e.target.value ? Number(e.target.value) : null })}
                    >
                      {all.map((l) => (
                        <option key={l.id} value={l.id}>
                          {"— ".repeat(depth(l))}
                          {l.name}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <ErrorAlert error={add.error} shownFields={["name", "kind", "inventory_number"]} />
      <form
        className="adm__row-form"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
        noValidate
      >
        <TextField label={t("equipment.name")} value={name} onChange={(e) => setName(e.target.value)} errors={fieldErrors(add.error, "name")} />
        <TextField label={t("equipment.kind")} value={kind} onChange={(e) => setKind(e.target.value)} errors={fieldErrors(add.error, "kind")} />
        <TextField
          label={t("equipment.inventory")}
          value={inventory}
          onChange={(e) => setInventory(e.target.value)}
          errors={fieldErrors(add.error, "inventory_number")}
        />
        <div className="adm__row-form-actions">
          <Button type="submit" busy={add.isPending}>
            {t("equipment.add")}
          </Button>
        </div>
      </form>
    </>
  );
}

function NewLocationCard({ all }: { all: Location[] }) {
  const { t } = useTranslation("locations");
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  const [kind, setKind] = useState<LocationKind>("unit");
  const [parent, setParent] = useState<number | null>(null);
  const kindId = useId();
  const create = useMutation({
    mutationFn: () => createLocation({ name, code, kind, parent }),
    onSuccess: () => {
      setName("");
      setCode("");
      void queryClient.invalidateQueries({ queryKey: locationsKey });
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="a-card adm__card" aria-labelledby="loc-new">
      <h2 id="loc-new">{t("new.title")}</h2>
      <ErrorAlert error={create.error} shownFields={["name", "code", "kind", "parent"]} />
      <form className="adm__row-form" onSubmit={onSubmit} noValidate>
        <TextField label={t("new.name")} value={name} onChange={(e) => setName(e.target.value)} errors={fieldErrors(create.error, "name")} />
        <TextField label={t("new.code")} value={code} onChange={(e) => setCode(e.target.value)} errors={fieldErrors(create.error, "code")} />
        <div className="a-field">
          <label className="a-field__label" htmlFor={kindId}>
            {t("new.kind")}
          </label>
          <select id={kindId} className="a-input" value={kind} onChange={(e) => setKind(e.target.value as LocationKind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kinds.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <ParentSelect all={all} value={parent} onChange={setParent} label={t("new.parent")} />
        <div className="adm__row-form-actions">
          <Button type="submit" variant="primary" busy={create.isPending}>
            {t("new.submit")}
          </Button>
        </div>
      </form>
    </section>
  );
}
