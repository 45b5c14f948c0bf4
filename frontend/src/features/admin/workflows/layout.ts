/**
 * Laying a workflow out as a diagram (pure; the SVG in WorkflowDiagram draws it). Statuses go in
 * columns by their distance from the initial status along transitions (breadth-first), in their
 * order within a column; statuses no transition reaches go in a last column. A forward
 * transition is a curve from the right of its source to the left of its target; one that goes
 * back or stays in its column bends round below (or above when a pair goes both ways).
 */
export interface DiagramStatus {
  key: string;
  name: string;
  category: string;
  color?: string | undefined;
  is_initial?: boolean | undefined;
}

export interface DiagramTransition {
  source: string;
  target: string;
  name: string;
}

export interface NodeBox {
  key: string;
  name: string;
  category: string;
  color: string;
  initial: boolean;
  column: number;
  row: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface EdgePath {
  source: string;
  target: string;
  name: string;
  back: boolean;
  path: string;
  labelX: number;
  labelY: number;
}

export interface Layout {
  nodes: NodeBox[];
  edges: EdgePath[];
  width: number;
  height: number;
}

export const NODE_W = 150;
export const NODE_H = 44;
const GAP_X = 90;
const GAP_Y = 46;
const PAD = 24;

export function columnsOf(statuses: readonly DiagramStatus[], transitions: readonly DiagramTransition[]): Map<string, number> {
  const known = new Set(statuses.map((s) => s.key));
  const next = new Map<string, string[]>();
  for (const t of transitions) {
    if (!known.has(t.source) || !known.has(t.target)) continue;
    next.set(t.source, [...(next.get(t.source) ?? []), t.target]);
  }
  const columns = new Map<string, number>();
  const start = statuses.find((s) => s.is_initial) ?? statuses[0];
  if (!start) return columns;
  columns.set(start.key, 0);
  const queue = [start.key];
  while (queue.length) {
    const key = queue.shift()!;
    for (const target of next.get(key) ?? []) {
      if (columns.has(target)) continue;
      columns.set(target, columns.get(key)! + 1);
      queue.push(target);
    }
  }
  const last = Math.max(0, ...columns.values()) + 1;
  for (const s of statuses) if (!columns.has(s.key)) columns.set(s.key, last);
  return columns;
}

export function layoutWorkflow(statuses: readonly DiagramStatus[], transitions: readonly DiagramTransition[]): Layout {
  const columns = columnsOf(statuses, transitions);
  const rows = new Map<number, number>();
  const nodes: NodeBox[] = statuses.map((s) => {
    const column = columns.get(s.key) ?? 0;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    return {
      key: s.key,
      name: s.name || s.key,
      category: s.category,
      color: s.color ?? "",
      initial: !!s.is_initial,
      column,
      row,
      x: PAD + column * (NODE_W + GAP_X),
      y: PAD + row * (NODE_H + GAP_Y),
      width: NODE_W,
      height: NODE_H,
    };
  });
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const pairs = new Set(transitions.map((t) => `${t.source}→${t.target}`));
  const edges: EdgePath[] = [];
  for (const t of transitions) {
    const a = byKey.get(t.source);
    const b = byKey.get(t.target);
    if (!a || !b || a === b) continue;
    const forward = b.column > a.column;
    if (forward) {
      const x1 = a.x + a.width;
      const y1 = a.y + a.height / 2;
      const x2 = b.x;
      const y2 = b.y + b.height / 2;
      const dx = (x2 - x1) / 2;
      // a pair that goes both ways: the forward one a little above, the way back below
      const lift = pairs.has(`${t.target}→${t.source}`) ? -8 : 0;
      edges.push({
        source: t.source,
        target: t.target,
        name: t.name,
        back: false,
        path: `M ${x1} ${y1 + lift} C ${x1 + dx} ${y1 + lift}, ${x2 - dx} ${y2 + lift}, ${x2} ${y2 + lift}`,
        labelX: (x1 + x2) / 2,
        labelY: (y1 + y2) / 2 + lift - 6,
      });
    } else {
      // back (or within a column): leave from the bottom, come round into the target's bottom
      const x1 = a.x + a.width / 2 + 12;
      const y1 = a.y + a.height;
      const x2 = b.x + b.width / 2 - 12;
      const y2 = b.y + b.height;
      const depth = 26 + 10 * Math.abs(a.column - b.column) + 8 * Math.abs(a.row - b.row);
      const low = Math.max(y1, y2) + depth;
      edges.push({
        source: t.source,
        target: t.target,
        name: t.name,
        back: true,
        path: `M ${x1} ${y1} C ${x1} ${low}, ${x2} ${low}, ${x2} ${y2}`,
        labelX: (x1 + x2) / 2,
        labelY: low - depth / 4 + 4,
      });
    }
  }
  const width = Math.max(PAD * 2 + NODE_W, ...nodes.map((n) => n.x + n.width + PAD));
  const lowest = Math.max(0, ...edges.filter((e) => e.back).map((e) => e.labelY + 16));
  const height = Math.max(PAD * 2 + NODE_H, ...nodes.map((n) => n.y + n.height + PAD + 40), lowest);
  return { nodes, edges, width, height };
}
