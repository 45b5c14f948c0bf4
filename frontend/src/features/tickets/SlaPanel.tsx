import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import type { Ticket } from "./api";
import { formatDuration, secondsLeft, type SlaTarget, slaOf, useNow } from "./sla";

const TARGETS = ["response", "resolution"] as const;

/**
 * The ticket's SLA (response and resolution): due time in the account's zone, the time left or
 * overdue (counted down on the client between answers), when it was met, paused, the policy. The
 * state (and its colour) is always the API's; the state's name is written out, never colour only.
 */
export function SlaPanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation("tickets");
  const sla = slaOf(ticket);
  const now = useNow();
  if (!sla) return null;
  return (
    <section className="a-card tk-panel tk-sla" aria-labelledby="tk-sla-title">
      <h2 id="tk-sla-title">{t("sla.title")}</h2>
      <p className="tk-muted">
        {t("sla.policy", { name: sla.policy.name })}
        {sla.paused && (
          <>
            {" "}
            <span className="tk-sla__state tk-sla__state--paused">{t("sla.paused")}</span>
          </>
        )}
      </p>
      <dl className="tk-sla__targets">
        {TARGETS.map((kind) => {
          const target = sla[kind];
          return target ? <Target key={kind} kind={kind} target={target} now={now} paused={sla.paused} /> : null;
        })}
      </dl>
    </section>
  );
}

function Target({ kind, target, now, paused }: { kind: (typeof TARGETS)[number]; target: SlaTarget; now: number; paused: boolean }) {
  const { t } = useTranslation("tickets");
  const fmt = useDateFormat();
  const left = secondsLeft(target, now, paused);
  const stopped = paused || target.state === "paused";
  const stateText = t(`sla.state.${target.state}`, { defaultValue: target.state });
  return (
    <div className={`tk-sla__target tk-sla__target--${target.state}`} data-testid={`sla-${kind}`}>
      <dt>
        {t(`sla.${kind}`)} <span className={`tk-sla__state tk-sla__state--${target.state}`}>{stateText}</span>
      </dt>
      {target.met_at ? (
        <dd>{t("sla.metAt", { when: fmt.dateTime(target.met_at) })}</dd>
      ) : (
        <>
          {target.due_at && (
            <dd>
              {t("sla.dueAt")} <time dateTime={target.due_at}>{fmt.dateTime(target.due_at)}</time>
            </dd>
          )}
          {left != null && (
            <dd className={left < 0 ? "tk-sla__left tk-sla__left--overdue" : "tk-sla__left"}>
              {t(left < 0 ? (stopped ? "sla.overduePaused" : "sla.overdue") : stopped ? "sla.leftPaused" : "sla.left", { time: formatDuration(t, left) })}
            </dd>
          )}
        </>
      )}
    </div>
  );
}
