import { type ColumnDef as TableColumn, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { memo, useEffect, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useDateFormat } from "@/shared/format/datetime";
import type { TicketRow } from "./api";
import { COLUMNS, type Visibility } from "./columns";
import { SlaBadge } from "./SlaBadge";
import { parseOrdering } from "./views";

export interface QueueTableProps {
  rows: TicketRow[];
  visibility: Visibility;
  ordering: string | null;
  onSort: (ordering: string) => void;
  selected: ReadonlySet<number>;
  onToggle: (id: number) => void;
  onToggleAll: (select: boolean) => void;
  cursor: number | null;
  onCursor: (id: number) => void;
  left: ReadonlySet<number>;
}

function StatusBadge({ status }: { status: TicketRow["status"] }) {
  return <span className={`queues-status queues-status--${status.category}`}>{status.name}</span>;
}

function PriorityBadge({ value }: { value: number | undefined }) {
  const { t } = useTranslation("queues");
  if (value == null) return <>—</>;
  return <span className={`queues-priority queues-priority--${value}`}>{t(`priority.${value}`, { defaultValue: String(value) })}</span>;
}

/** The dense ticket table (headless @tanstack/react-table; sorting is the API's, through `ordering`). */
export const QueueTable = memo(function QueueTable(props: QueueTableProps) {
  const { rows, visibility, ordering, onSort, selected, onToggle, onToggleAll, cursor, onCursor, left } = props;
  const { t } = useTranslation("queues");
  const fmt = useDateFormat();
  const sorted = parseOrdering(ordering);

  const columns = useMemo<TableColumn<TicketRow>[]>(() => {
    const cell: Record<string, (row: TicketRow) => React.ReactNode> = {
      key: (r) => (
        <Link to={`/tickets/${r.id}`} className="queues-key">
          {r.key}
        </Link>
      ),
      title: (r) => <span className="queues-title" title={r.title || undefined}>{r.title || "—"}</span>,
      type: (r) => r.type.name,
      status: (r) => <StatusBadge status={r.status} />,
      priority: (r) => <PriorityBadge value={r.priority} />,
      requester: (r) => r.requester?.name ?? "—",
      company: (r) => r.company?.name ?? "—",
      location: (r) => r.location?.name ?? "—",
      group: (r) => r.group?.name ?? "—",
      assignee: (r) => r.assignee?.name ?? <span className="queues-muted">{t("unassigned")}</span>,
      created: (r) => <time dateTime={r.created_at} title={fmt.dateTime(r.created_at)}>{fmt.short(r.created_at)}</time>,
      updated: (r) => <time dateTime={r.updated_at} title={fmt.dateTime(r.updated_at)}>{fmt.short(r.updated_at)}</time>,
      planned_finish: (r) =>
        r.planned_finish ? (
          <time dateTime={r.planned_finish} title={fmt.dateTime(r.planned_finish)}>{fmt.short(r.planned_finish)}</time>
        ) : (
          "—"
        ),
      sla: (r) => <SlaBadge row={r} />,
    };
    return COLUMNS.map((c) => ({ id: c.id, header: t(c.label), cell: (info) => cell[c.id]!(info.row.original), meta: c }));
  }, [t, fmt]);

  const table = useReactTable({
    data: rows,
    columns,
    getRowId: (r) => String(r.id),
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    state: { columnVisibility: visibility },
  });

  const body = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    if (cursor == null) return;
    const row = body.current?.querySelector<HTMLElement>(`[data-ticket-id="${cursor}"]`);
    row?.scrollIntoView?.({ block: "nearest" });
  }, [cursor]);

  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const someSelected = !allSelected && rows.some((r) => selected.has(r.id));

  return (
    <div className="queues-table__scroll">
      <table className="queues-table">
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              <th className="queues-table__check" scope="col">
                <input
                  type="checkbox"
                  aria-label={t("selectAll")}
                  checked={allSelected}
                  ref={(el) => {
                    if (el) el.indeterminate = someSelected;
                  }}
                  onChange={(e) => onToggleAll(e.target.checked)}
                />
              </th>
              {group.headers.map((header) => {
                const meta = COLUMNS.find((c) => c.id === header.column.id)!;
                const active = meta.sort && sorted.field === meta.sort;
                const label = flexRender(header.column.columnDef.header, header.getContext());
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={`queues-table__h queues-table__h--${meta.id}`}
                    aria-sort={active ? (sorted.desc ? "descending" : "ascending") : undefined}
                  >
                    {meta.sort ? (
                      <button
                        type="button"
                        className="queues-sort"
                        onClick={() => onSort(meta.ascendingFirst ? (active && !sorted.desc ? `-${meta.sort}` : meta.sort!) : active && sorted.desc ? meta.sort! : `-${meta.sort}`)}
                      >
                        {label}
                        <span aria-hidden="true" className="queues-sort__mark">
                          {active ? (sorted.desc ? "▼" : "▲") : "↕"}
                        </span>
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody ref={body}>
          {table.getRowModel().rows.map((row) => {
            const id = row.original.id;
            const classes = ["queues-row", id === cursor && "is-cursor", selected.has(id) && "is-selected", left.has(id) && "is-left"]
              .filter(Boolean)
              .join(" ");
            return (
              <tr key={row.id} data-ticket-id={id} className={classes} aria-current={id === cursor ? "true" : undefined} onClick={() => onCursor(id)}>
                <td className="queues-table__check">
                  <input
                    type="checkbox"
                    aria-label={t("select", { key: row.original.key })}
                    checked={selected.has(id)}
                    onChange={() => onToggle(id)}
                  />
                </td>
                {row.getVisibleCells().map((c) => (
                  <td key={c.id} className={`queues-table__c queues-table__c--${c.column.id}`}>
                    {flexRender(c.column.columnDef.cell, c.getContext())}
                    {c.column.id === "key" && left.has(id) && <span className="queues-left">{t("leftView")}</span>}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
});
