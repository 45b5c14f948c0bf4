import { type InfiniteData, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { isApiError } from "@/api/client";
import { type LiveEvent, useLive } from "@/shared/live";
import { cursorOf, fetchTicket, fetchTicketPage, type TicketPage, type TicketRow } from "./api";
import { liveTopic, parseOrdering, type ViewRef } from "./views";

type Data = InfiniteData<TicketPage, string | null>;

const BATCH_MS = 40; // one change's events (status + assignment) arrive within a few ms

function sortValue(row: TicketRow, field: string): string | number | null {
  const value = (row as unknown as Record<string, unknown>)[field];
  return typeof value === "number" || typeof value === "string" ? value : null;
}

/** Would `row` be listed before `last` in this ordering? (null: cannot tell) */
export function sortsBefore(row: TicketRow, last: TicketRow, ordering: string | null): boolean | null {
  const { field, desc } = parseOrdering(ordering);
  const a = sortValue(row, field);
  const b = sortValue(last, field);
  if (a == null || b == null) return null;
  if (a === b) return null;
  return desc ? a > b : a < b;
}

export interface QueueList {
  rows: TicketRow[];
  isPending: boolean;
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  refetch: () => void;
  /** Tickets that newly match, waiting for "Show N new". */
  incoming: TicketRow[];
  showIncoming: () => void;
  /** Shown rows that no longer match the view (dimmed until the next full load). */
  left: ReadonlySet<number>;
}

/**
 * The queue's rows: cursor pages (never re-sorted under the person), kept current over the
 * websocket. Each batch of events re-reads the view's first page quietly and compares: shown rows
 * are replaced in place, tickets that newly match wait in `incoming`, shown rows that match no
 * more are marked in `left` (never removed: the rows under the cursor do not move).
 */
export function useQueueList(view: ViewRef, query: URLSearchParams): QueueList {
  const queryClient = useQueryClient();
  const qs = query.toString();
  const queryKey = useMemo(() => ["queue", qs] as const, [qs]);
  const list = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchTicketPage(new URLSearchParams(qs), pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => cursorOf(last.next),
    enabled: view.kind !== "unknown",
    staleTime: 60_000,
  });

  const [incoming, setIncoming] = useState<TicketRow[]>([]);
  const [left, setLeft] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => {
    setIncoming([]);
    setLeft(new Set());
  }, [qs]);

  const rows = useMemo(() => {
    const seen = new Set<number>();
    const out: TicketRow[] = [];
    for (const page of list.data?.pages ?? []) {
      for (const row of page.results) {
        if (!seen.has(row.id)) {
          seen.add(row.id);
          out.push(row);
        }
      }
    }
    return out;
  }, [list.data]);

  // ---------------------------------------------------------------- live
  const pendingIds = useRef(new Set<number>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const current = useRef({ qs, queryKey });
  current.current = { qs, queryKey };

  const reconcile = useCallback(
    async (ids: number[], forQs: string) => {
      const key = ["queue", forQs] as const;
      const params = new URLSearchParams(forQs);
      let fresh: TicketPage;
      try {
        fresh = await fetchTicketPage(params, null);
      } catch {
        return; // the next event or a refetch will catch up
      }
      if (current.current.qs !== forQs) return;
      const freshById = new Map(fresh.results.map((r) => [r.id, r]));
      const data = queryClient.getQueryData<Data>(key);
      const shown = new Set(data?.pages.flatMap((p) => p.results.map((r) => r.id)) ?? []);
      const updates = new Map<number, TicketRow>();
      const arrived: TicketRow[] = [];
      const gone = new Set<number>();
      const back = new Set<number>();
      const lastFresh = fresh.results[fresh.results.length - 1];
      for (const id of ids) {
        const row = freshById.get(id);
        if (row) {
          if (shown.has(id)) {
            updates.set(id, row);
            back.add(id);
          } else arrived.push(row);
          continue;
        }
        if (!shown.has(id)) {
          gone.add(id); // not shown, not matching: drop it from "incoming" too
          continue;
        }
        try {
          const detail = (await fetchTicket(id)) as TicketRow;
          updates.set(id, detail);
          const before = !fresh.next ? true : lastFresh ? sortsBefore(detail, lastFresh, params.get("ordering")) : true;
          if (before) gone.add(id);
        } catch (error) {
          if (isApiError(error) && error.status === 404) gone.add(id);
        }
      }
      if (current.current.qs !== forQs) return;
      if (updates.size) {
        queryClient.setQueryData<Data>(key, (old) =>
          old && {
            ...old,
            pages: old.pages.map((page) => ({ ...page, results: page.results.map((r) => updates.get(r.id) ?? r) })),
          },
        );
      }
      if (gone.size || back.size) {
        setLeft((prev) => {
          const next = new Set(prev);
          for (const id of gone) if (shown.has(id)) next.add(id);
          for (const id of back) next.delete(id);
          return next;
        });
      }
      setIncoming((prev) => {
        const byId = new Map(prev.map((r) => [r.id, r]));
        for (const id of gone) byId.delete(id);
        for (const row of arrived) byId.set(row.id, row);
        // in the list's order: the fresh page's
        const order = new Map(fresh.results.map((r, i) => [r.id, i]));
        return [...byId.values()].sort((a, b) => (order.get(a.id) ?? 1e9) - (order.get(b.id) ?? 1e9));
      });
    },
    [queryClient],
  );

  const onEvent = useCallback(
    (event: LiveEvent) => {
      pendingIds.current.add(event.ticket.id);
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        const ids = [...pendingIds.current];
        pendingIds.current.clear();
        const forQs = current.current.qs;
        chain.current = chain.current.then(() => reconcile(ids, forQs));
      }, BATCH_MS);
    },
    [reconcile],
  );

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = undefined;
      pendingIds.current.clear();
    },
    [qs],
  );

  const refetch = useCallback(() => {
    setIncoming([]);
    setLeft(new Set());
    void list.refetch();
  }, [list]);

  const topic = useMemo(() => liveTopic(view, new URLSearchParams(qs)), [view, qs]);
  useLive(topic, { onEvent, onRefetch: refetch });

  const incomingRef = useRef(incoming);
  incomingRef.current = incoming;
  const showIncoming = useCallback(() => {
    const waiting = incomingRef.current;
    if (!waiting.length) return;
    const ids = new Set(waiting.map((r) => r.id));
    queryClient.setQueryData<Data>(queryKey, (old) => {
      if (!old || !old.pages.length) return old;
      const pages = old.pages.map((page, index) => ({
        ...page,
        results: index === 0 ? [...waiting, ...page.results.filter((r) => !ids.has(r.id))] : page.results.filter((r) => !ids.has(r.id)),
      }));
      return { ...old, pages };
    });
    setIncoming([]);
  }, [queryClient, queryKey]);

  return {
    rows,
    isPending: list.isPending && view.kind !== "unknown",
    error: list.error,
    hasMore: Boolean(list.hasNextPage),
    loadingMore: list.isFetchingNextPage,
    loadMore: () => void list.fetchNextPage(),
    refetch,
    incoming,
    showIncoming,
    left,
  };
}
