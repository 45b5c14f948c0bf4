/** A mapping as the API has it ({"leak": "work_order"}) ⇄ the editor's rows, in order. */
export interface MapRow {
  from: string;
  to: string;
}

export function toRows(map: Record<string, string> | undefined): MapRow[] {
  return Object.entries(map ?? {}).map(([from, to]) => ({ from, to }));
}

/** Rows → the API's object: blank keys are dropped, surrounding spaces trimmed, a later row wins. */
export function fromRows(rows: MapRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of rows) {
    const key = row.from.trim();
    if (key) out[key] = row.to.trim();
  }
  return out;
}
