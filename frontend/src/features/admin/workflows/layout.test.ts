import { describe, expect, it } from "vitest";
import { columnsOf, layoutWorkflow, NODE_W } from "./layout";

const statuses = [
  { key: "new", name: "New", category: "new", is_initial: true },
  { key: "doing", name: "Doing", category: "open" },
  { key: "waiting", name: "Waiting", category: "waiting" },
  { key: "done", name: "Done", category: "closed" },
  { key: "orphan", name: "Orphan", category: "cancelled" },
];
const transitions = [
  { source: "new", target: "doing", name: "Start" },
  { source: "doing", target: "waiting", name: "Wait" },
  { source: "waiting", target: "doing", name: "Resume" },
  { source: "doing", target: "done", name: "Finish" },
];

describe("workflow diagram layout", () => {
  it("puts statuses in columns by their distance from the initial one", () => {
    const columns = columnsOf(statuses, transitions);
    expect(Object.fromEntries(columns)).toEqual({ new: 0, doing: 1, waiting: 2, done: 2, orphan: 3 });
  });

  it("stacks a column's statuses, never overlapping", () => {
    const { nodes } = layoutWorkflow(statuses, transitions);
    const waiting = nodes.find((n) => n.key === "waiting")!;
    const done = nodes.find((n) => n.key === "done")!;
    expect(waiting.x).toBe(done.x);
    expect(done.y).toBeGreaterThanOrEqual(waiting.y + waiting.height);
    const boxes = nodes.map((n) => [n.x, n.y].join(","));
    expect(new Set(boxes).size).toBe(nodes.length);
    expect(nodes.find((n) => n.key === "new")!.initial).toBe(true);
  });

  it("draws forward transitions left to right and bends the way back below", () => {
    const { edges, nodes, width, height } = layoutWorkflow(statuses, transitions);
    expect(edges).toHaveLength(4);
    const start = edges.find((e) => e.name === "Start")!;
    const doing = nodes.find((n) => n.key === "doing")!;
    expect(start.back).toBe(false);
    expect(start.path.startsWith(`M ${nodes[0]!.x + NODE_W} `)).toBe(true);
    expect(start.path.endsWith(`${doing.x} ${doing.y + doing.height / 2 - 8}`) || start.path.endsWith(`${doing.x} ${doing.y + doing.height / 2}`)).toBe(true);
    const resume = edges.find((e) => e.name === "Resume")!;
    expect(resume.back).toBe(true);
    expect(resume.labelY).toBeGreaterThan(doing.y + doing.height);
    for (const n of nodes) {
      expect(n.x + n.width).toBeLessThanOrEqual(width);
      expect(n.y + n.height).toBeLessThanOrEqual(height);
    }
  });

  it("skips transitions to unknown statuses and copes with no initial status", () => {
    const { edges, nodes } = layoutWorkflow(
      statuses.map((s) => ({ ...s, is_initial: false })),
      [...transitions, { source: "new", target: "nowhere", name: "x" }],
    );
    expect(edges).toHaveLength(4);
    expect(nodes[0]!.column).toBe(0);
    expect(layoutWorkflow([], []).nodes).toEqual([]);
  });
});
