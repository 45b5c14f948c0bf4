import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Schemas, unwrap } from "@/api/client";
import { useDateFormat } from "@/shared/format/datetime";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import { fromRows, type MapRow, toRows } from "./maps";
import "../adminScreens.css";

type Partnership = Schemas["Partnership"];
const key = ["admin", "partnerships"] as const;
const codesKey = ["admin", "invitation-codes"] as const;
const parkedKey = ["admin", "parked"] as const;

/**
 * /app/admin/partnerships (federation): invite a partner (on this deployment by its address, on
 * another with its invitation code), accept or decline with the type and status mappings, suspend,
 * resume, end, rotate the key; invitation codes; parked messages and their replay.
 */
export default function PartnershipsPage() {
  const { t } = useTranslation("partnerships");
  usePageTitle(t("title"));
  const list = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET("/api/v1/federation/partnerships/")) });
  return (
    <div className="a-page adm">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{t("subtitle")}</p>
        </div>
      </div>
      <section className="a-card adm__card" aria-labelledby="fed-list">
        <h2 id="fed-list">{t("list.title")}</h2>
        {list.isPending ? (
          <PageLoading />
        ) : list.isError ? (
          <ErrorAlert error={list.error} />
        ) : list.data.length === 0 ? (
          <p className="a-empty">{t("list.empty")}</p>
        ) : (
          list.data.map((p) => <PartnershipCard key={p.id} partnership={p} />)
        )}
      </section>
      <InviteCard />
      <CodesCard />
      <ParkedCard />
    </div>
  );
}

function MapEditor({ label, rows, onChange, fromLabel, toLabel }: { label: string; rows: MapRow[]; onChange: (rows: MapRow[]) => void; fromLabel: string; toLabel: string }) {
  const { t } = useTranslation("partnerships");
  const set = (i: number, change: Partial<MapRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  return (
    <fieldset className="adm__fieldset" style={{ flexDirection: "column" }}>
      <legend>{label}</legend>
      {rows.map((row, i) => (
        <div key={i} className="adm__row-form">
          <TextField label={`${fromLabel} ${i + 1}`} value={row.from} onChange={(e) => set(i, { from: e.target.value })} />
          <span aria-hidden="true">→</span>
          <TextField label={`${toLabel} ${i + 1}`} value={row.to} onChange={(e) => set(i, { to: e.target.value })} />
          <Button type="button" size="sm" variant="ghost" onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={t("maps.removeRow", { n: i + 1 })}>
            {t("maps.remove")}
          </Button>
        </div>
      ))}
      <div>
        <Button type="button" size="sm" onClick={() => onChange([...rows, { from: "", to: "" }])}>
          {t("maps.add")}
        </Button>
      </div>
    </fieldset>
  );
}

function MapView({ map }: { map: Record<string, string> }) {
  const entries = Object.entries(map);
  if (!entries.length) return <>—</>;
  return (
    <>
      {entries.map(([from, to]) => (
        <div key={from}>
          <code>{from}</code> → <code>{to || "—"}</code>
        </div>
      ))}
    </>
  );
}

function PartnershipCard({ partnership: p }: { partnership: Partnership }) {
  const { t } = useTranslation("partnerships");
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const [accepting, setAccepting] = useState(false);
  const [reason, setReason] = useState("");
  const done = () => queryClient.invalidateQueries({ queryKey: key });
  const path = { params: { path: { id: p.id } } };
  const act = useMutation({
    mutationFn: (what: "suspend" | "resume" | "end" | "decline" | "rotate") => {
      switch (what) {
        case "suspend":
          return unwrap(api.POST("/api/v1/federation/partnerships/{id}/suspend/", { ...path, body: { reason } }));
        case "end":
          return unwrap(api.POST("/api/v1/federation/partnerships/{id}/end/", { ...path, body: { reason } }));
        case "decline":
          return unwrap(api.POST("/api/v1/federation/partnerships/{id}/decline/", { ...path, body: { reason } }));
        case "resume":
          return unwrap(api.POST("/api/v1/federation/partnerships/{id}/resume/", path));
        case "rotate":
          return unwrap(api.POST("/api/v1/federation/partnerships/{id}/rotate-key/", path));
      }
    },
    onSuccess: done,
  });
  const headingId = useId();
  return (
    <article className="adm__partner" aria-labelledby={headingId}>
      <div className="adm__card-head">
        <h3 id={headingId}>{p.partner.name}</h3>
        <span className={`adm__badge${p.state === "active" ? " adm__badge--ok" : p.state === "ended" || p.state === "declined" ? " adm__badge--danger" : ""}`}>
          {t(`states.${p.state}`)}
        </span>
      </div>
      <dl className="adm__facts">
        <dt>{t("list.side")}</dt>
        <dd>{t(`sides.${p.side}`)}</dd>
        <dt>{t("list.address")}</dt>
        <dd>{p.partner.address}</dd>
        <dt>{t("list.types")}</dt>
        <dd>
          <MapView map={p.type_map} />
        </dd>
        <dt>{t("list.toProvider")}</dt>
        <dd>
          <MapView map={p.status_to_provider} />
        </dd>
        <dt>{t("list.toRequester")}</dt>
        <dd>
          <MapView map={p.status_to_requester} />
        </dd>
        <dt>{t("list.attachments")}</dt>
        <dd>{p.attachments ? t("list.yes") : t("list.no")}</dd>
        <dt>{t("list.invited")}</dt>
        <dd>{fmt.dateTime(p.invited_at)}</dd>
        {p.accepted_at && (
          <>
            <dt>{t("list.accepted")}</dt>
            <dd>{fmt.dateTime(p.accepted_at)}</dd>
          </>
        )}
        <dt>{t("list.key")}</dt>
        <dd>
          <code>{p.key_id}</code>
        </dd>
        <dt>{t("list.health")}</dt>
        <dd>{p.delivery_error ? <span className="adm__badge adm__badge--danger">{p.delivery_error}</span> : p.state_delivered ? t("list.delivered") : t("list.pending")}</dd>
        {p.reason && (
          <>
            <dt>{t("list.reason")}</dt>
            <dd>{p.reason}</dd>
          </>
        )}
      </dl>
      <ErrorAlert error={act.error} />
      {accepting ? (
        <AcceptForm partnership={p} onDone={() => setAccepting(false)} />
      ) : (
        p.state !== "ended" &&
        p.state !== "declined" && (
          <div className="adm__buttons">
            {p.state === "invited" && p.side === "provider" && (
              <>
                <Button variant="primary" onClick={() => setAccepting(true)}>
                  {t("actions.accept")}
                </Button>
                <Button variant="danger" busy={act.isPending} onClick={() => act.mutate("decline")}>
                  {t("actions.decline")}
                </Button>
              </>
            )}
            {p.state === "active" && (
              <>
                <Button busy={act.isPending && act.variables === "suspend"} onClick={() => act.mutate("suspend")}>
                  {t("actions.suspend")}
                </Button>
                <Button busy={act.isPending && act.variables === "rotate"} onClick={() => act.mutate("rotate")}>
                  {t("actions.rotate")}
                </Button>
              </>
            )}
            {p.state === "suspended" && (
              <Button variant="primary" busy={act.isPending && act.variables === "resume"} onClick={() => act.mutate("resume")}>
                {t("actions.resume")}
              </Button>
            )}
            <Button variant="danger" busy={act.isPending && act.variables === "end"} onClick={() => act.mutate("end")}>
              {t("actions.end")}
            </Button>
            <TextField label={t("actions.reason")} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        )
      )}
    </article>
  );
}

function AcceptForm({ partnership: p, onDone }: { partnership: Partnership; onDone: () => void }) {
  const { t } = useTranslation("partnerships");
  const queryClient = useQueryClient();
  const [types, setTypes] = useState(toRows(p.type_map));
  const [toProvider, setToProvider] = useState(toRows(p.status_to_provider));
  const [toRequester, setToRequester] = useState(toRows(p.status_to_requester));
  const accept = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/federation/partnerships/{id}/accept/", {
          params: { path: { id: p.id } },
          body: { type_map: fromRows(types), status_to_provider: fromRows(toProvider), status_to_requester: fromRows(toRequester) },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: key });
      onDone();
    },
  });
  return (
    <form
      className="a-form"
      aria-label={t("accept.title", { name: p.partner.name })}
      onSubmit={(e) => {
        e.preventDefault();
        accept.mutate();
      }}
    >
      <p className="adm__hint">{t("accept.hint")}</p>
      <ErrorAlert error={accept.error} />
      <MapEditor label={t("list.types")} rows={types} onChange={setTypes} fromLabel={t("maps.theirType")} toLabel={t("maps.ourType")} />
      <MapEditor label={t("list.toProvider")} rows={toProvider} onChange={setToProvider} fromLabel={t("maps.theirStatus")} toLabel={t("maps.ourStatus")} />
      <MapEditor label={t("list.toRequester")} rows={toRequester} onChange={setToRequester} fromLabel={t("maps.ourStatus")} toLabel={t("maps.theirStatus")} />
      <div className="a-form__actions">
        <Button type="submit" variant="primary" busy={accept.isPending}>
          {t("accept.submit")}
        </Button>
        <Button type="button" variant="ghost" onClick={onDone}>
          {t("accept.cancel")}
        </Button>
      </div>
    </form>
  );
}

function InviteCard() {
  const { t } = useTranslation("partnerships");
  const queryClient = useQueryClient();
  const [remote, setRemote] = useState(false);
  const [partner, setPartner] = useState("");
  const [remoteUrl, setRemoteUrl] = useState("");
  const [code, setCode] = useState("");
  const [note, setNote] = useState("");
  const [attachments, setAttachments] = useState(true);
  const [types, setTypes] = useState<MapRow[]>([{ from: "", to: "" }]);
  const [toProvider, setToProvider] = useState<MapRow[]>([]);
  const [toRequester, setToRequester] = useState<MapRow[]>([]);
  const invite = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/federation/partnerships/", {
          body: {
            ...(remote ? { remote_url: remoteUrl, code } : { partner }),
            type_map: fromRows(types),
            status_to_provider: fromRows(toProvider),
            status_to_requester: fromRows(toRequester),
            attachments,
            note,
          },
        }),
      ),
    onSuccess: () => {
      setPartner("");
      setCode("");
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  return (
    <section className="a-card adm__card" aria-labelledby="fed-invite">
      <h2 id="fed-invite">{t("invite.title")}</h2>
      <p className="adm__hint">{t("invite.hint")}</p>
      {invite.isSuccess && <Alert tone="success">{t("invite.sent", { name: invite.data.partner.name })}</Alert>}
      <ErrorAlert error={invite.error} shownFields={["partner", "remote_url", "code"]} />
      <form
        className="a-form"
        onSubmit={(e) => {
          e.preventDefault();
          invite.mutate();
        }}
        noValidate
      >
        <label className="adm__check">
          <input type="checkbox" checked={remote} onChange={(e) => setRemote(e.target.checked)} /> {t("invite.remote")}
        </label>
        {remote ? (
          <div className="adm__row-form">
            <TextField label={t("invite.remoteUrl")} value={remoteUrl} onChange={(e) => setRemoteUrl(e.target.value)} errors={fieldErrors(invite.error, "remote_url")} />
            <TextField label={t("invite.code")} value={code} onChange={(e) => setCode(e.target.value)} errors={fieldErrors(invite.error, "code")} />
          </div>
        ) : (
          <TextField label={t("invite.partner")} hint={t("invite.partnerHint")} value={partner} onChange={(e) => setPartner(e.target.value)} errors={fieldErrors(invite.error, "partner")} />
        )}
        <MapEditor label={t("list.types")} rows={types} onChange={setTypes} fromLabel={t("maps.ourType")} toLabel={t("maps.theirType")} />
        <MapEditor label={t("list.toProvider")} rows={toProvider} onChange={setToProvider} fromLabel={t("maps.ourStatus")} toLabel={t("maps.theirStatus")} />
        <MapEditor label={t("list.toRequester")} rows={toRequester} onChange={setToRequester} fromLabel={t("maps.theirStatus")} toLabel={t("maps.ourStatus")} />
        <label className="adm__check">
          <input type="checkbox" checked={attachments} onChange={(e) => setAttachments(e.target.checked)} /> {t("invite.attachments")}
        </label>
        <TextField label={t("invite.note")} value={note} onChange={(e) => setNote(e.target.value)} />
        <div className="a-form__actions">
          <Button type="submit" variant="primary" busy={invite.isPending}>
            {t("invite.submit")}
          </Button>
        </div>
      </form>
    </section>
  );
}

function CodesCard() {
  const { t } = useTranslation("partnerships");
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const codes = useQuery({ queryKey: codesKey, queryFn: () => unwrap(api.GET("/api/v1/federation/invitation-codes/")) });
  const [note, setNote] = useState("");
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/federation/invitation-codes/", { body: { note } })),
    onSuccess: () => {
      setNote("");
      void queryClient.invalidateQueries({ queryKey: codesKey });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/api/v1/federation/invitation-codes/{id}/revoke/", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: codesKey }),
  });
  return (
    <section className="a-card adm__card" aria-labelledby="fed-codes">
      <h2 id="fed-codes">{t("codes.title")}</h2>
      <p className="adm__hint">{t("codes.hint")}</p>
      {create.data?.code && (
        <Alert tone="success" title={t("codes.made")}>
          <code data-testid="invitation-code">{create.data.code}</code>
        </Alert>
      )}
      <ErrorAlert error={create.error ?? revoke.error} />
      <form
        className="adm__row-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <TextField label={t("codes.note")} value={note} onChange={(e) => setNote(e.target.value)} />
        <div className="adm__row-form-actions">
          <Button type="submit" busy={create.isPending}>
            {t("codes.create")}
          </Button>
        </div>
      </form>
      {codes.data && codes.data.length > 0 && (
        <table className="adm__table">
          <thead>
            <tr>
              <th scope="col">{t("codes.id")}</th>
              <th scope="col">{t("codes.note")}</th>
              <th scope="col">{t("codes.state")}</th>
              <th scope="col">{t("codes.expires")}</th>
              <th scope="col">
                <span className="a-visually-hidden">{t("codes.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {codes.data.map((c) => (
              <tr key={c.id}>
                <td>
                  <code>{c.id}</code>
                </td>
                <td>{c.note || "—"}</td>
                <td>{t(`codes.states.${c.state}`)}</td>
                <td>{fmt.dateTime(c.expires_at)}</td>
                <td className="adm__actions">
                  {c.state === "open" && (
                    <Button size="sm" variant="ghost" onClick={() => revoke.mutate(c.id)} aria-label={t("codes.revokeOf", { id: c.id })}>
                      {t("codes.revoke")}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ParkedCard() {
  const { t } = useTranslation("partnerships");
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const parked = useQuery({ queryKey: parkedKey, queryFn: () => unwrap(api.GET("/api/v1/federation/parked/")) });
  const replay = useMutation({
    mutationFn: (m: { direction: "in" | "out"; id: string }) => unwrap(api.POST("/api/v1/federation/parked/replay/", { body: m })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: parkedKey }),
  });
  return (
    <section className="a-card adm__card" aria-labelledby="fed-parked">
      <h2 id="fed-parked">{t("parked.title")}</h2>
      <p className="adm__hint">{t("parked.hint")}</p>
      {replay.data && <Alert tone={replay.data.error ? "warning" : "success"}>{replay.data.error || t("parked.replayed")}</Alert>}
      <ErrorAlert error={replay.error ?? parked.error} />
      {parked.data && parked.data.length === 0 && <p className="a-empty">{t("parked.empty")}</p>}
      {parked.data && parked.data.length > 0 && (
        <table className="adm__table">
          <thead>
            <tr>
              <th scope="col">{t("parked.direction")}</th>
              <th scope="col">{t("parked.kind")}</th>
              <th scope="col">{t("parked.at")}</th>
              <th scope="col">{t("parked.error")}</th>
              <th scope="col">
                <span className="a-visually-hidden">{t("parked.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {parked.data.map((m) => (
              <tr key={`${m.direction}-${m.id}`}>
                <td>{t(`parked.directions.${m.direction}`)}</td>
                <td>
                  {m.kind} #{m.seq}
                </td>
                <td>{m.parked_at ? fmt.dateTime(m.parked_at) : "—"}</td>
                <td>{m.error || "—"}</td>
                <td className="adm__actions">
                  <Button size="sm" onClick={() => replay.mutate({ direction: m.direction, id: m.id })} aria-label={t("parked.replayOf", { kind: m.kind, seq: m.seq })}>
                    {t("parked.replay")}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
