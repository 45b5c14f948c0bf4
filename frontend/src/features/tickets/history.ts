/**
 * One human-readable line per ticket event (GET /tickets/{id}/events/), from what the event's
 * `data` says. Unknown kinds and shapes fall back to a generic line: the log is the truth, this only
 * words it.
 */
import type { TFunction } from "i18next";
import type { TicketEvent } from "./api";
import { formatDuration } from "./sla";

type Data = Record<string, unknown>;

export interface EventLine {
  /** The headline ("Status: New → In progress"). */
  text: string;
  /** Extra lines (a comment, an explanation, a reason). */
  details: string[];
}

export interface HistoryContext {
  /** status key → its name in the ticket's workflow, when known */
  statusName?: (key: string) => string | undefined;
  /** an ISO time in the account's zone (useDateFormat().dateTime); the raw value without it */
  dateTime?: (iso: string) => string;
}

function refName(value: unknown): string {
  if (value == null || value === "") return "—";
  if (typeof value === "object" && !Array.isArray(value) && "name" in (value as Data)) {
    return String((value as Data).name).replace(/\s*<[^>]+>$/, "");
  }
  if (typeof value === "boolean") return value ? "✓" : "✗";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The keys of two custom-field objects whose values differ. */
function changedKeys(before: unknown, after: unknown): string[] {
  const a = (before && typeof before === "object" ? before : {}) as Data;
  const b = (after && typeof after === "object" ? after : {}) as Data;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

function changeLines(t: TFunction, changes: unknown, ctx: HistoryContext): string[] {
  if (!changes || typeof changes !== "object") return [];
  const lines: string[] = [];
  for (const [field, pair] of Object.entries(changes as Data)) {
    const [before, after] = Array.isArray(pair) ? pair : [undefined, pair];
    if (field === "fields") {
      const b = (before ?? {}) as Data;
      const a = (after ?? {}) as Data;
      for (const key of changedKeys(before, after)) {
        lines.push(t("history.change", { field: key, from: refName(b[key]), to: refName(a[key]) }));
      }
      continue;
    }
    const label = t(`history.fields.${field}`, { defaultValue: field });
    let from = refName(before);
    let to = refName(after);
    if (field === "status") {
      from = ctx.statusName?.(String(before)) ?? from;
      to = ctx.statusName?.(String(after)) ?? to;
    }
    if (field === "priority") {
      from = before == null ? from : t(`priority.${before}`, { defaultValue: from });
      to = after == null ? to : t(`priority.${after}`, { defaultValue: to });
    }
    lines.push(t("history.change", { field: label, from, to }));
  }
  return lines;
}

function routingExplanation(t: TFunction, data: Data): string[] {
  const rules = Array.isArray(data.rules) ? (data.rules as Data[]) : [];
  return rules.map((rule) => {
    const set = (rule.set && typeof rule.set === "object" ? rule.set : {}) as Data;
    const parts = Object.entries(set)
      .filter(([key]) => key !== "assignee_mode")
      .map(([key, value]) => t("history.set", { field: t(`history.fields.${key}`, { defaultValue: key }), value: refName(value) }));
    return t("history.rule", { rule: String(rule.rule ?? rule.id ?? ""), actions: parts.join(", ") || "—" });
  });
}

/** Whether the history lists the event as a line of its own. A comment made with a transition is a
 *  "commented" event with `transition` set (docs/spine.md); its status change already shows it. */
export function shownInHistory(event: TicketEvent): boolean {
  const d = (event.data && typeof event.data === "object" ? event.data : {}) as Data;
  return !(event.kind === "commented" && typeof d.transition === "string" && d.transition !== "");
}

export function describeEvent(t: TFunction, event: TicketEvent, ctx: HistoryContext = {}): EventLine {
  const d = (event.data && typeof event.data === "object" ? event.data : {}) as Data;
  const details: string[] = [];
  const comment = typeof d.comment === "string" && d.comment.trim() ? d.comment.trim() : undefined;
  switch (event.kind) {
    case "created":
      return { text: t("history.created"), details };
    case "routed": {
      const assigned: string[] = [];
      if (d.group) assigned.push(t("history.set", { field: t("history.fields.group"), value: refName(d.group) }));
      if (d.assignee) assigned.push(t("history.set", { field: t("history.fields.assignee"), value: refName(d.assignee) }));
      if (d.priority != null)
        assigned.push(t("history.set", { field: t("history.fields.priority"), value: t(`priority.${d.priority}`, { defaultValue: String(d.priority) }) }));
      return { text: t("history.routed", { what: assigned.join(", ") || "—" }), details: routingExplanation(t, d) };
    }
    case "status_changed": {
      const [line = t("history.statusChanged.plain")] = changeLines(t, d.changes, ctx);
      const text = d.transition ? t("history.statusChanged.named", { transition: String(d.transition), change: line }) : line;
      if (comment) details.push(comment);
      return { text, details };
    }
    case "changed":
    case "assigned": {
      const lines = changeLines(t, d.changes, ctx);
      return { text: lines[0] ?? t(`history.kinds.${event.kind}`), details: lines.slice(1) };
    }
    case "commented":
      return {
        text: d.internal ? t("history.commented.internal") : t("history.commented.public"),
        details: typeof d.body === "string" ? [d.body.length > 200 ? `${d.body.slice(0, 200)}…` : d.body] : [],
      };
    case "attachment_added":
      return { text: t("history.attachment", { name: String(d.name ?? "") }), details };
    case "watchers_changed": {
      const added = Array.isArray(d.added) ? d.added.length : 0;
      const removed = Array.isArray(d.removed) ? d.removed.length : 0;
      return { text: t("history.watchers", { added, removed }), details };
    }
    case "checklist_changed": {
      const changes = (d.changes ?? {}) as Data;
      const done = Array.isArray(changes.done) ? Boolean(changes.done[1]) : undefined;
      const key = done === undefined ? "history.checklist.answered" : done ? "history.checklist.done" : "history.checklist.undone";
      if (comment) details.push(comment);
      return { text: t(key, { item: String(d.label ?? ""), checklist: String(d.checklist ?? "") }), details };
    }
    case "approval_requested": {
      const approvers = Array.isArray(d.approvers) ? d.approvers.map(refName).join(", ") : "—";
      return { text: t("history.approval.requested", { round: d.round ?? 1, approvers }), details: d.policy ? [String(d.policy)] : [] };
    }
    case "approval_decided": {
      if (comment) details.push(comment);
      return {
        text: t("history.approval.decided", { round: d.round ?? 1, decision: t(`approvals.decision.${d.decision}`, { defaultValue: String(d.decision) }) }),
        details,
      };
    }
    case "approval_completed": {
      if (comment) details.push(comment);
      return {
        text: t("history.approval.completed", { round: d.round ?? 1, outcome: t(`approvals.outcome.${d.outcome}`, { defaultValue: String(d.outcome) }) }),
        details,
      };
    }
    case "forwarded":
      if (typeof d.note === "string" && d.note) details.push(d.note);
      return { text: t("history.forwarded", { partner: refName(d.partner) }), details };
    case "federation": {
      const action = String(d.action ?? "");
      if (typeof d.reason === "string" && d.reason) details.push(d.reason);
      const value = refName(d.status ?? d.assignee ?? d.subticket ?? d.partner ?? d.ref ?? "");
      return { text: t(`history.federation.${action}`, { defaultValue: t("history.federation.other", { action }), value }), details };
    }
    case "sla_warning":
    case "sla_breached": {
      const target = t(`history.sla.target.${String(d.target)}`, { defaultValue: String(d.target ?? "") });
      const due = typeof d.due_at === "string" ? (ctx.dateTime?.(d.due_at) ?? d.due_at) : "—";
      const breached = event.kind === "sla_breached";
      if (breached && typeof d.late_by_minutes === "number" && d.late_by_minutes > 0)
        details.push(t("history.sla.late", { time: formatDuration(t, d.late_by_minutes * 60) }));
      return { text: t(breached ? "history.sla.breached" : "history.sla.warning", { target, due }), details };
    }
    default:
      return { text: t(`history.kinds.${event.kind}`, { defaultValue: event.kind }), details };
  }
}
