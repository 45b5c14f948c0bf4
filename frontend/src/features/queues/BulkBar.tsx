import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "@/shared/session/SessionContext";
import { Button, ErrorAlert } from "@/shared/ui";
import { type BulkChanges, type BulkJob, fetchBulkJob, fetchGroups, startBulk, type TicketRow } from "./api";
import { PRIORITIES } from "./FilterPanel";
import { PersonPicker } from "./PersonPicker";
import { zonedToIso } from "./zoned";

export const POLL_MS = 700;

/** What bulk may set (the API's BULK_FIELDS): assignee, group, priority, planned dates. Never status. */
type Field = "assignee" | "group" | "priority" | "planned_start" | "planned_finish";
const FIELDS: Field[] = ["assignee", "group", "priority", "planned_start", "planned_finish"];

/** Follow a bulk job until it is done (GET /tickets/bulk/{id}/ every ~700 ms). */
export function useBulkJob(jobId: string | null, onDone: (job: BulkJob) => void) {
  const job = useQuery({
    queryKey: ["bulk-job", jobId],
    queryFn: () => fetchBulkJob(jobId!),
    enabled: jobId != null,
    refetchInterval: (q) => (q.state.data?.state === "done" ? false : POLL_MS),
    staleTime: 0,
  });
  const state = job.data?.state;
  useEffect(() => {
    if (state === "done" && job.data) onDone(job.data);
  }, [state]); // eslint-disable-line react-hooks/exhaustive-deps
  return job;
}

export function BulkBar({ selected, rows, onClear, onFinished }: { selected: ReadonlySet<number>; rows: TicketRow[]; onClear: () => void; onFinished: () => void }) {
  const { t } = useTranslation("queues");
  const timeZone = useSession().account.time_zone;
  const id = useId();
  const [field, setField] = useState<Field>("assignee");
  const [value, setValue] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const groups = useQuery({ queryKey: ["groups"], queryFn: fetchGroups, staleTime: 300_000, enabled: field === "group" });
  const start = useMutation({
    mutationFn: ({ ids, changes }: { ids: number[]; changes: BulkChanges }) => startBulk(ids, changes),
    onSuccess: (answer) => setJobId(answer.job.id),
  });
  const job = useBulkJob(jobId, onFinished);
  const progress = job.data ?? start.data?.job;
  const running = start.isPending || (progress != null && progress.state !== "done");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let v: number | string | null = value;
    if (field === "priority" || field === "group") v = value ? Number(value) : null;
    if (field === "assignee") v = value ? Number(value) : null;
    if (field === "planned_start" || field === "planned_finish") v = value ? (zonedToIso(value, timeZone) ?? null) : null;
    setJobId(null);
    start.mutate({ ids: [...selected], changes: { [field]: v } });
  };

  const keyOf = (ticketId: number) => rows.find((r) => r.id === ticketId)?.key ?? `#${ticketId}`;

  return (
    <section className="queues-bulk" aria-label={t("bulk.title")}>
      <form className="queues-bulk__form" onSubmit={submit}>
        <span className="queues-bulk__count">{t("bulk.selected", { count: selected.size })}</span>
        <div className="a-field queues-filter">
          <label className="a-field__label" htmlFor={`${id}-field`}>
            {t("bulk.change")}
          </label>
          <select
            id={`${id}-field`}
            className="a-input"
            value={field}
            onChange={(e) => {
              setField(e.target.value as Field);
              setValue(null);
            }}
          >
            {FIELDS.map((f) => (
              <option key={f} value={f}>
                {t(`bulk.fields.${f}`)}
              </option>
            ))}
          </select>
        </div>
        {field === "assignee" && <PersonPicker id={`${id}-value`} label={t("bulk.assignTo")} value={value} onChange={setValue} agentsOnly />}
        {field === "group" && (
          <div className="a-field queues-filter">
            <label className="a-field__label" htmlFor={`${id}-value`}>
              {t("bulk.value")}
            </label>
            <select id={`${id}-value`} className="a-input" value={value ?? ""} onChange={(e) => setValue(e.target.value || null)}>
              <option value="">{t("bulk.none")}</option>
              {(groups.data ?? []).map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {field === "priority" && (
          <div className="a-field queues-filter">
            <label className="a-field__label" htmlFor={`${id}-value`}>
              {t("bulk.value")}
            </label>
            <select id={`${id}-value`} className="a-input" value={value ?? ""} onChange={(e) => setValue(e.target.value || null)}>
              <option value="" disabled>
                {t("bulk.choose")}
              </option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </div>
        )}
        {(field === "planned_start" || field === "planned_finish") && (
          <div className="a-field queues-filter">
            <label className="a-field__label" htmlFor={`${id}-value`}>
              {t("bulk.value")}
            </label>
            <input id={`${id}-value`} className="a-input" type="datetime-local" value={value ?? ""} onChange={(e) => setValue(e.target.value || null)} />
          </div>
        )}
        <Button type="submit" variant="primary" size="sm" busy={running} disabled={(field === "priority" && !value) || running}>
          {t("bulk.apply")}
        </Button>
        <Button size="sm" variant="ghost" onClick={onClear}>
          {t("bulk.clearSelection")}
        </Button>
      </form>
      <ErrorAlert error={start.error ?? job.error} />
      <div role="status" className="queues-bulk__status">
        {progress && progress.state !== "done" && (
          <div className="queues-bulk__progress">
            <progress max={progress.total} value={progress.done} aria-label={t("bulk.progressLabel")} />
            <span>{t("bulk.progress", { done: progress.done, total: progress.total })}</span>
          </div>
        )}
        {progress?.state === "done" && (
          <div className="queues-bulk__outcome">
            <p>{t("bulk.updated", { count: progress.updated.length })}</p>
            {progress.refused.length > 0 && (
              <>
                <p>{t("bulk.refused", { count: progress.refused.length })}</p>
                <ul>
                  {progress.refused.map((r) => (
                    <li key={r.id}>
                      {t("bulk.refusal", { key: keyOf(r.id), code: r.code })}
                      {Object.values(r.fields ?? {})
                        .flat()
                        .map((m) => ` ${m}`)
                        .join("")}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
