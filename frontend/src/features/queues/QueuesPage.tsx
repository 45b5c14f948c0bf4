import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, useNavigate, useParams, useSearchParams } from "react-router";
import { useShortcuts } from "@/shared/keyboard";
import { useSession } from "@/shared/session/SessionContext";
import { Alert, Button, ErrorAlert, Icon, usePageTitle } from "@/shared/ui";
import { Menu } from "@/shared/ui/Menu";
import { deleteSavedView, fetchSavedViews, type SavedView } from "./api";
import { BulkBar } from "./BulkBar";
import { COLUMNS, loadVisibility, saveVisibility, type Visibility } from "./columns";
import { countFilters, FILTER_KEYS, FilterPanel } from "./FilterPanel";
import { QueueTable } from "./QueueTable";
import { SaveViewDialog } from "./SaveViewDialog";
import { useQueueList } from "./useQueueList";
import { apiQuery, filtersToSave, parseView, QUICK_VIEWS, type ViewRef } from "./views";
import "./queues.css";

function ViewList({ views, current, onDelete }: { views: SavedView[]; current: ViewRef; onDelete: (view: SavedView) => void }) {
  const { t } = useTranslation("queues");
  const { user } = useSession();
  return (
    <nav className="queues-views" aria-label={t("views.label")}>
      <h2 className="queues-views__heading">{t("views.quick")}</h2>
      <ul>
        {QUICK_VIEWS.map((v) => (
          <li key={v.key}>
            <NavLink to={`/queues/${v.key}`} className={() => `queues-views__link${current.kind === "quick" && current.view.key === v.key ? " is-active" : ""}`} aria-current={current.kind === "quick" && current.view.key === v.key ? "page" : undefined}>
              {t(v.label)}
            </NavLink>
          </li>
        ))}
      </ul>
      <h2 className="queues-views__heading">{t("views.saved")}</h2>
      {views.length === 0 ? (
        <p className="queues-views__empty">{t("views.noSaved")}</p>
      ) : (
        <ul>
          {views.map((v) => {
            const active = current.kind === "saved" && current.id === v.id;
            return (
              <li key={v.id} className="queues-views__saved">
                <NavLink to={`/queues/saved-${v.id}`} className={() => `queues-views__link${active ? " is-active" : ""}`} aria-current={active ? "page" : undefined}>
                  {v.name}
                  {v.shared && <span className="queues-views__tag">{t("views.sharedTag")}</span>}
                </NavLink>
                {v.owner === user.id && (
                  <button type="button" className="queues-views__delete" aria-label={t("views.delete", { name: v.name })} title={t("views.delete", { name: v.name })} onClick={() => onDelete(v)}>
                    <Icon name="close" size={14} />
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </nav>
  );
}

function ColumnMenu({ visibility, onChange }: { visibility: Visibility; onChange: (v: Visibility) => void }) {
  const { t } = useTranslation("queues");
  return (
    <Menu.Root>
      <Menu.Trigger asChild>
        <Button size="sm">
          {t("columns.menu")}
          <Icon name="chevron" size={14} />
        </Button>
      </Menu.Trigger>
      <Menu.Content>
        <Menu.Label>{t("columns.shown")}</Menu.Label>
        {COLUMNS.map((c) => (
          <Menu.CheckboxItem
            key={c.id}
            checked={visibility[c.id] ?? false}
            onSelect={(e) => e.preventDefault()}
            onCheckedChange={(checked) => {
              const next = { ...visibility, [c.id]: checked };
              if (Object.values(next).some(Boolean)) onChange(next);
            }}
          >
            {t(c.label)}
          </Menu.CheckboxItem>
        ))}
      </Menu.Content>
    </Menu.Root>
  );
}

function SearchBox({ value, onSearch, inputRef }: { value: string; onSearch: (q: string) => void; inputRef: React.RefObject<HTMLInputElement | null> }) {
  const { t } = useTranslation("queues");
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onSearch(text.trim()), 600);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(text.trim());
  };
  return (
    <form role="search" className="queues-search" onSubmit={submit}>
      <label htmlFor="queues-q" className="a-visually-hidden">
        {t("search.label")}
      </label>
      <input
        ref={inputRef}
        id="queues-q"
        className="a-input"
        type="search"
        placeholder={t("search.placeholder")}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") e.currentTarget.blur();
        }}
      />
    </form>
  );
}

function Skeleton() {
  const { t } = useTranslation("queues");
  return (
    <div className="queues-skeleton" role="status" aria-label={t("loading")}>
      {Array.from({ length: 8 }, (_, i) => (
        <div key={i} className="queues-skeleton__row" />
      ))}
    </div>
  );
}

/** /app/queues and /app/queues/:view — the agent's ticket list. */
export default function QueuesPage() {
  const { t } = useTranslation("queues");
  const { user } = useSession();
  const params = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [search, setSearch] = useSearchParams();
  const view = useMemo(() => parseView(params.view), [params.view]);
  const saved = useQuery({ queryKey: ["saved-views"], queryFn: fetchSavedViews, staleTime: 60_000 });
  const savedViews = saved.data ?? [];
  const savedView = view.kind === "saved" ? savedViews.find((v) => v.id === view.id) : undefined;
  const title = view.kind === "quick" ? t(view.view.label) : view.kind === "saved" ? (savedView?.name ?? t("views.savedFallback")) : t("title");
  usePageTitle(title);

  const searchKey = search.toString();
  const query = useMemo(() => apiQuery(view, new URLSearchParams(searchKey)), [view, searchKey]);
  const list = useQueueList(view, query);

  const update = useCallback(
    (mutate: (next: URLSearchParams) => void) => {
      const next = new URLSearchParams(searchKey);
      mutate(next);
      setSearch(next);
    },
    [searchKey, setSearch],
  );

  const [filtersOpen, setFiltersOpen] = useState(() => countFilters(search) > 0);
  const [visibility, setVisibility] = useState<Visibility>(() => loadVisibility(user.id));
  const changeVisibility = (v: Visibility) => {
    setVisibility(v);
    saveVisibility(user.id, v);
  };

  // selection and the row cursor follow ticket ids, so live inserts never move them
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [cursor, setCursor] = useState<number | null>(null);
  useEffect(() => {
    setSelected(new Set());
    setCursor(null);
  }, [query.toString()]); // eslint-disable-line react-hooks/exhaustive-deps
  const toggle = useCallback((id: number) => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  const toggleAll = useCallback((select: boolean) => setSelected(select ? new Set(list.rows.map((r) => r.id)) : new Set()), [list.rows]);

  const searchInput = useRef<HTMLInputElement>(null);
  const move = (delta: number) => {
    const rows = list.rows;
    if (!rows.length) return;
    const index = cursor == null ? -1 : rows.findIndex((r) => r.id === cursor);
    const next = index < 0 ? (delta > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, index + delta));
    setCursor(rows[next]!.id);
  };
  useShortcuts([
    { keys: ["j", "ArrowDown"], label: "queues:keys.next", group: "queues:keys.group", run: () => move(1) },
    { keys: ["k", "ArrowUp"], label: "queues:keys.previous", group: "queues:keys.group", run: () => move(-1) },
    { keys: ["Enter", "o"], label: "queues:keys.open", group: "queues:keys.group", run: () => cursor != null && navigate(`/tickets/${cursor}`) },
    { keys: ["x"], label: "queues:keys.select", group: "queues:keys.group", run: () => cursor != null && toggle(cursor) },
    { keys: ["/"], label: "queues:keys.search", group: "queues:keys.group", run: () => searchInput.current?.focus() },
  ]);

  const [saving, setSaving] = useState(false);
  const toSave = useMemo(() => filtersToSave(view, new URLSearchParams(searchKey), savedView?.filters as Record<string, unknown> | undefined), [view, searchKey, savedView]);
  const remove = useMutation({
    mutationFn: (v: SavedView) => deleteSavedView(v.id),
    onSuccess: (_, v) => {
      void queryClient.invalidateQueries({ queryKey: ["saved-views"] });
      if (view.kind === "saved" && view.id === v.id) navigate("/queues");
    },
  });
  const onDelete = (v: SavedView) => {
    if (globalThis.confirm(t("views.confirmDelete", { name: v.name }))) remove.mutate(v);
  };

  const filterCount = countFilters(search);
  const onBulkDone = useCallback(() => list.refetch(), [list]);

  return (
    <div className="queues">
      <ViewList views={savedViews} current={view} onDelete={onDelete} />
      <div className="queues-main">
        <div className="queues-header">
          <h1>{title}</h1>
          <div className="queues-toolbar">
            <SearchBox value={search.get("q") ?? ""} inputRef={searchInput} onSearch={(q) => update((next) => (q ? next.set("q", q) : next.delete("q")))} />
            <Button size="sm" aria-expanded={filtersOpen} aria-controls="queues-filters" onClick={() => setFiltersOpen((o) => !o)}>
              {filterCount ? t("filters.buttonCount", { count: filterCount }) : t("filters.button")}
            </Button>
            <ColumnMenu visibility={visibility} onChange={changeVisibility} />
            <Button size="sm" onClick={() => setSaving(true)}>
              {t("save.button")}
            </Button>
          </div>
        </div>
        <ErrorAlert error={remove.error} />
        {view.kind === "unknown" && <Alert tone="warning">{t("views.unknown")}</Alert>}
        <div id="queues-filters">
          {filtersOpen && (
            <FilterPanel
              search={search}
              update={update}
              onClear={() =>
                update((next) => {
                  for (const key of [...next.keys()]) if ((FILTER_KEYS.includes(key) && key !== "q") || key.startsWith("f.")) next.delete(key);
                })
              }
            />
          )}
        </div>
        {selected.size > 0 && <BulkBar selected={selected} rows={list.rows} onClear={() => setSelected(new Set())} onFinished={onBulkDone} />}
        <div aria-live="polite" className="queues-live">
          {list.incoming.length > 0 && (
            <button type="button" className="queues-incoming" onClick={list.showIncoming}>
              {t("incoming", { count: list.incoming.length })}
            </button>
          )}
        </div>
        {list.error ? (
          <div className="queues-error">
            <ErrorAlert error={list.error} />
            <Button size="sm" onClick={list.refetch}>
              {t("shared:actions.retry")}
            </Button>
          </div>
        ) : list.isPending ? (
          <Skeleton />
        ) : list.rows.length === 0 ? (
          <div className="a-card a-empty queues-empty">
            <p>{filterCount || search.get("q") ? t("empty.filtered") : t("empty.view")}</p>
          </div>
        ) : (
          <>
            <QueueTable
              rows={list.rows}
              visibility={visibility}
              ordering={query.get("ordering")}
              onSort={(ordering) => update((next) => next.set("ordering", ordering))}
              selected={selected}
              onToggle={toggle}
              onToggleAll={toggleAll}
              cursor={cursor}
              onCursor={setCursor}
              left={list.left}
            />
            <div className="queues-more">
              {list.hasMore ? (
                <Button size="sm" onClick={list.loadMore} busy={list.loadingMore}>
                  {t("loadMore")}
                </Button>
              ) : (
                <span className="queues-muted">{t("shown", { count: list.rows.length })}</span>
              )}
            </div>
          </>
        )}
      </div>
      {saving && <SaveViewDialog open={saving} onOpenChange={setSaving} filters={toSave.filters} ordering={toSave.ordering} />}
    </div>
  );
}
