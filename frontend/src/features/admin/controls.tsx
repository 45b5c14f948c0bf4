/** Small form controls the admin screens share: a checkbox group and a picked-ids list. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CompanyPicker, LocationPicker, PersonPicker } from "@/features/forms";

export function Checks<T extends string | number>({ legend, options, value, onChange, label }: { legend: string; options: readonly T[]; value: T[]; onChange: (v: T[]) => void; label: (o: T) => string }) {
  return (
    <fieldset className="admin-fieldset">
      <legend>{legend}</legend>
      <div className="admin-checks">
        {options.map((o) => (
          <label key={String(o)} className="admin-check">
            <input type="checkbox" checked={value.includes(o)} onChange={(e) => onChange(e.target.checked ? [...value, o] : value.filter((v) => v !== o))} />
            {label(o)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** A list of ids picked one at a time (companies, locations, people), shown as removable chips. */
export function IdList({ label, ids, onChange, kind, errors }: { label: string; ids: number[]; onChange: (ids: number[]) => void; kind: "company" | "location" | "person"; errors?: string[] | undefined }) {
  const { t } = useTranslation("admin");
  const [names, setNames] = useState<Record<number, string>>({});
  const add = (id: number | null, item: { name?: string; full_name?: string; path?: string } | null) => {
    if (id == null || ids.includes(id)) return;
    setNames((n) => ({ ...n, [id]: item?.full_name || item?.name || String(id) }));
    onChange([...ids, id]);
  };
  const Picker = kind === "company" ? CompanyPicker : kind === "location" ? LocationPicker : PersonPicker;
  return (
    <div className="admin-idlist">
      <Picker label={label} value={null} onChange={add as never} errors={errors} />
      {ids.length > 0 && (
        <ul className="admin-chips" aria-label={label}>
          {ids.map((id) => (
            <li key={id} className="admin-chip">
              {names[id] ?? `#${id}`}
              <button type="button" onClick={() => onChange(ids.filter((x) => x !== id))} aria-label={t("removeItem", { name: names[id] ?? `#${id}` })}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
