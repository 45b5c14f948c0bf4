import { useTranslation } from "react-i18next";
import { type DiagramStatus, type DiagramTransition, layoutWorkflow } from "./layout";

/** The workflow document drawn: statuses coloured by category, transitions as arrows. Loaded lazily. */
export default function WorkflowDiagram({ statuses, transitions }: { statuses: DiagramStatus[]; transitions: DiagramTransition[] }) {
  const { t } = useTranslation("admin");
  const layout = layoutWorkflow(statuses, transitions);
  const summary = t("workflows.diagramSummary", { statuses: statuses.length, transitions: layout.edges.length });
  return (
    <div className="wf-diagram">
      <svg width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-label={summary}>
        <defs>
          <marker id="wf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
          </marker>
        </defs>
        {layout.edges.map((e) => (
          <g key={`${e.source}-${e.target}`} className={`wf-diagram__edge${e.back ? " is-back" : ""}`}>
            <path d={e.path} fill="none" stroke="currentColor" strokeWidth={1.5} markerEnd="url(#wf-arrow)" />
            <text x={e.labelX} y={e.labelY} textAnchor="middle" className="wf-diagram__edge-label">
              {e.name}
            </text>
          </g>
        ))}
        {layout.nodes.map((n) => (
          <g key={n.key} className={`wf-diagram__node wf-cat--${n.category}`}>
            <rect x={n.x} y={n.y} width={n.width} height={n.height} rx={8} strokeWidth={n.initial ? 3 : 1.5} style={n.color ? { stroke: n.color } : undefined} />
            <text x={n.x + n.width / 2} y={n.y + 18} textAnchor="middle" className="wf-diagram__name">
              {n.name.length > 20 ? `${n.name.slice(0, 19)}…` : n.name}
            </text>
            <text x={n.x + n.width / 2} y={n.y + 34} textAnchor="middle" className="wf-diagram__cat">
              {t(`categories.${n.category}`, { defaultValue: n.category })}
              {n.initial ? ` · ${t("workflows.initialShort")}` : ""}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
