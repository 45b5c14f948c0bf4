import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { isAgentRole } from "@/shared/session/roles";
import { type ComboOption, Combobox } from "@/shared/ui/Combobox";
import { fetchPerson, searchPeople } from "./api";

export interface PersonPickerProps {
  label: string;
  /** A person id, or one of the `extra` option ids ("me", "none"). */
  value: string | null;
  onChange: (value: string | null) => void;
  extra?: ComboOption[];
  /** Offer only the desk's staff (people the API would accept as an assignee). */
  agentsOnly?: boolean;
  id?: string;
}

/** Search people by name or e-mail (GET /people/?q=). */
export function PersonPicker({ label, value, onChange, extra = [], agentsOnly = false, id }: PersonPickerProps) {
  const { t } = useTranslation("queues");
  const [query, setQuery] = useState("");
  const results = useQuery({ queryKey: ["people", "search", query], queryFn: () => searchPeople(query), staleTime: 60_000 });
  const numeric = value && /^\d+$/.test(value) ? Number(value) : null;
  const person = useQuery({ queryKey: ["people", numeric], queryFn: () => fetchPerson(numeric!), enabled: numeric != null, staleTime: 300_000 });
  const people = (results.data ?? []).filter((p) => !agentsOnly || isAgentRole(p.role));
  const q = query.trim().toLowerCase();
  const options: ComboOption[] = [
    ...extra.filter((o) => !q || o.label.toLowerCase().includes(q)),
    ...people.map((p) => ({ id: String(p.id), label: p.full_name || p.email, detail: p.email })),
  ];
  const selected: ComboOption | null =
    value == null
      ? null
      : (extra.find((o) => String(o.id) === value) ??
        (person.data ? { id: String(person.data.id), label: person.data.full_name || person.data.email } : { id: value, label: `#${value}` }));
  return (
    <Combobox
      id={id}
      className="queues-filter"
      label={label}
      options={options}
      selected={selected}
      onSelect={(option) => onChange(option ? String(option.id) : null)}
      query={query}
      onQueryChange={setQuery}
      loading={results.isFetching}
      emptyText={t("people.none")}
      loadingText={t("people.loading")}
      clearLabel={t("filters.clearOne")}
      placeholder={t("filters.any")}
    />
  );
}
