/**
 * Searchable pickers over the directory: a person (searched by the API, `q`), a company, a
 * location (the tree as an indented list, searchable by name, code or path) and equipment
 * (at one location, or all). Each is a Combobox holding an id.
 */
import { type ReactNode, useDeferredValue, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Combobox, type ComboOption } from "@/shared/ui/Combobox";
import { type Company, type Equipment, type Location, type Person, useCompanies, useEquipment, useLocations, usePeopleSearch, usePerson } from "./api";

export interface PickerProps<T> {
  label: ReactNode;
  value: number | null | undefined;
  onChange: (id: number | null, item: T | null) => void;
  id?: string | undefined;
  errors?: string[] | undefined;
  hint?: ReactNode;
  required?: boolean | undefined;
  disabled?: boolean | undefined;
  className?: string | undefined;
}

function useComboTexts() {
  const { t } = useTranslation("forms");
  return { emptyText: t("picker.empty"), loadingText: t("picker.loading"), clearLabel: t("picker.clear") };
}

function matches(option: ComboOption, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return option.label.toLowerCase().includes(q) || (option.detail ?? "").toLowerCase().includes(q);
}

const LIMIT = 50;

function personOption(p: Person): ComboOption {
  return { id: p.id, label: p.full_name || p.email, detail: p.full_name ? p.email : undefined };
}

export function PersonPicker({ value, onChange, ...rest }: PickerProps<Person>) {
  const texts = useComboTexts();
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query.trim());
  const [open, setOpen] = useState(false);
  const search = usePeopleSearch(deferred, open || deferred !== "");
  const current = usePerson(value);
  const people = search.data ?? [];
  const selected = useMemo(() => {
    if (typeof value !== "number") return null;
    const known = people.find((p) => p.id === value) ?? (current.data?.id === value ? current.data : undefined);
    return known ? personOption(known) : { id: value, label: "…" };
  }, [value, people, current.data]);
  return (
    <div onFocus={() => setOpen(true)}>
      <Combobox
        {...rest}
        {...texts}
        options={people.map(personOption)}
        loading={search.isFetching}
        selected={selected}
        onSelect={(option) => {
          const person = option ? (people.find((p) => p.id === option.id) ?? null) : null;
          onChange(option ? Number(option.id) : null, person);
        }}
        query={query}
        onQueryChange={setQuery}
      />
    </div>
  );
}

/** The Combobox wiring every directory picker shares: options from the items, the chosen one
 * (a placeholder while its list loads), the search box, and the item handed back on a choice. */
function ItemCombobox<T extends { id: number }>({
  items,
  loading,
  options,
  shown,
  value,
  onChange,
  query,
  onQueryChange,
  ...rest
}: Omit<PickerProps<T>, "value" | "onChange"> & {
  items: T[];
  loading: boolean;
  options: ComboOption[];
  shown: ComboOption[];
  value: PickerProps<T>["value"];
  onChange: PickerProps<T>["onChange"];
  query: string;
  onQueryChange: (query: string) => void;
}) {
  const texts = useComboTexts();
  const selected = options.find((o) => o.id === value) ?? (typeof value === "number" ? { id: value, label: "…" } : null);
  return (
    <Combobox
      {...rest}
      {...texts}
      options={shown}
      loading={loading}
      selected={selected}
      onSelect={(option) => {
        const item = option ? (items.find((i) => i.id === option.id) ?? null) : null;
        onChange(option ? Number(option.id) : null, item);
      }}
      query={query}
      onQueryChange={onQueryChange}
    />
  );
}

export function CompanyPicker({ value, onChange, ...rest }: PickerProps<Company>) {
  const [query, setQuery] = useState("");
  const companies = useCompanies();
  const options = useMemo(
    () =>
      (companies.data ?? []).map<ComboOption>((c) => ({
        id: c.id,
        label: c.name || c.legal_name || String(c.id),
        detail: c.legal_name && c.legal_name !== c.name ? c.legal_name : undefined,
      })),
    [companies.data],
  );
  return (
    <ItemCombobox
      {...rest}
      items={companies.data ?? []}
      loading={companies.isLoading}
      options={options}
      shown={options.filter((o) => matches(o, query)).slice(0, LIMIT)}
      value={value}
      onChange={onChange}
      query={query}
      onQueryChange={setQuery}
    />
  );
}

/** The locations as an indented tree (the API orders them by path), with each one's ancestry. */
export function locationOptions(locations: Location[]): ComboOption[] {
  const byId = new Map(locations.map((l) => [l.id, l]));
  return locations.map((l) => {
    const ancestors = l.path
      .split("/")
      .filter(Boolean)
      .map(Number)
      .filter((id) => id !== l.id)
      .map((id) => byId.get(id)?.name)
      .filter(Boolean);
    const label = l.code ? `${l.name} (${l.code})` : l.name;
    return { id: l.id, label, depth: ancestors.length, detail: ancestors.length ? ancestors.join(" › ") : undefined };
  });
}

export function LocationPicker({ value, onChange, ...rest }: PickerProps<Location>) {
  const [query, setQuery] = useState("");
  const locations = useLocations();
  const options = useMemo(() => locationOptions(locations.data ?? []), [locations.data]);
  const shown = query.trim() ? options.filter((o) => matches(o, query)).map((o) => ({ ...o, depth: 0 })) : options;
  return (
    <ItemCombobox
      {...rest}
      items={locations.data ?? []}
      loading={locations.isLoading}
      options={options}
      shown={shown.slice(0, 200)}
      value={value}
      onChange={onChange}
      query={query}
      onQueryChange={setQuery}
    />
  );
}

export function EquipmentPicker({
  value,
  onChange,
  location,
  ...rest
}: PickerProps<Equipment> & { /** Only the equipment at this location. */ location?: number | null | undefined }) {
  const [query, setQuery] = useState("");
  const equipment = useEquipment(location);
  const options = useMemo(
    () =>
      (equipment.data ?? []).map<ComboOption>((e) => ({
        id: e.id,
        label: e.name,
        detail: [e.kind, e.inventory_number || e.serial_number].filter(Boolean).join(" · ") || undefined,
      })),
    [equipment.data],
  );
  return (
    <ItemCombobox
      {...rest}
      items={equipment.data ?? []}
      loading={equipment.isLoading}
      options={options}
      shown={options.filter((o) => matches(o, query)).slice(0, LIMIT)}
      value={value}
      onChange={onChange}
      query={query}
      onQueryChange={setQuery}
    />
  );
}
