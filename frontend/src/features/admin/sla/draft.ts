/** An SLA policy as the editor holds it (durations as amount + unit), and back to the API's JSON. */
import type { Escalation, SlaPolicy, SlaPolicyBody } from "./api";

export const PRIORITIES = [1, 2, 3, 4] as const;
export const UNITS = { min: 1, h: 60, d: 1440 } as const;
export type Unit = keyof typeof UNITS;

export interface Duration {
  amount: string; // as typed
  unit: Unit;
}

export interface TargetDraft {
  priority: number;
  response: Duration;
  resolution: Duration;
}

export interface PolicyDraft {
  id: number | null;
  name: string;
  order: number;
  is_active: boolean;
  calendar: number | null;
  warning_percent: string;
  ticket_types: number[];
  companies: number[];
  locations: number[];
  targets: TargetDraft[]; // one per priority, 1..4
  escalations: Escalation[];
}

/** 90 → "90" min, 120 → "2" h, 2880 → "2" d: the largest unit that divides evenly. */
export function durationOf(minutes: number | null | undefined): Duration {
  if (minutes == null) return { amount: "", unit: "h" };
  for (const unit of ["d", "h"] as const) if (minutes > 0 && minutes % UNITS[unit] === 0) return { amount: String(minutes / UNITS[unit]), unit };
  return { amount: String(minutes), unit: "min" };
}

/** Minutes from what was typed: null when empty; the text itself when it is not a number (the API says why). */
export function minutesOf(d: Duration): number | string | null {
  const text = d.amount.trim().replace(",", ".");
  if (text === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? Math.round(n * UNITS[d.unit]) : d.amount;
}

export function draftOf(policy: SlaPolicy | null, order = 0): PolicyDraft {
  return {
    id: policy?.id ?? null,
    name: policy?.name ?? "",
    order: policy?.order ?? order,
    is_active: policy?.is_active ?? true,
    calendar: policy?.calendar ?? null,
    warning_percent: String(policy?.warning_percent ?? 80),
    ticket_types: policy?.ticket_types ?? [],
    companies: policy?.companies ?? [],
    locations: policy?.locations ?? [],
    targets: PRIORITIES.map((priority) => {
      const row = policy?.targets.find((x) => x.priority === priority);
      return { priority, response: durationOf(row?.response_minutes), resolution: durationOf(row?.resolution_minutes) };
    }),
    escalations: (policy?.escalations ?? []).map((e) => ({ ...e })),
  };
}

export interface Prepared {
  body: SlaPolicyBody;
  /** `targets.<i>` in the API's messages → the priority of the i-th target sent */
  targetPriorities: number[];
}

/** The body to send: priorities left blank are not sent, escalations as they are. */
export function toBody(d: PolicyDraft): Prepared {
  const sent = d.targets
    .map((x) => ({ priority: x.priority, response_minutes: minutesOf(x.response), resolution_minutes: minutesOf(x.resolution) }))
    .filter((x) => x.response_minutes != null || x.resolution_minutes != null);
  const percent = d.warning_percent.trim();
  return {
    body: {
      name: d.name.trim(),
      order: d.order,
      is_active: d.is_active,
      calendar: d.calendar,
      warning_percent: (percent !== "" && Number.isFinite(Number(percent)) ? Number(percent) : percent) as number,
      ticket_types: d.ticket_types,
      companies: d.companies,
      locations: d.locations,
      targets: sent as SlaPolicyBody["targets"],
      escalations: d.escalations.map((e) => ({
        ...(e.id != null ? { id: e.id } : {}),
        threshold: e.threshold,
        target: e.target,
        action: e.action,
        group: e.action === "raise_priority" ? null : e.group,
        assignee: e.action === "raise_priority" ? null : e.assignee,
      })),
    },
    targetPriorities: sent.map((x) => x.priority),
  };
}

/** Move `fromId` to `overId`'s place; the new `order` of every policy whose order changed (10, 20, …). */
export function reorder<T extends { id: number; order: number }>(list: T[], fromId: number, overId: number): { list: T[]; changed: { id: number; order: number }[] } {
  const next = [...list];
  const i = next.findIndex((x) => x.id === fromId);
  const j = next.findIndex((x) => x.id === overId);
  if (i < 0 || j < 0 || i === j) return { list, changed: [] };
  const [moved] = next.splice(i, 1);
  next.splice(j, 0, moved!);
  const changed: { id: number; order: number }[] = [];
  const out = next.map((x, k) => {
    const order = (k + 1) * 10;
    if (x.order !== order) changed.push({ id: x.id, order });
    return { ...x, order };
  });
  return { list: out, changed };
}
