/**
 * /portal/passes/:id: the pass to show at the gate — the QR code as large as the screen allows and
 * the short code in big type. Once opened it stays readable offline (the service worker keeps the
 * last answers of /passes/ and the QR image).
 */
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useDateFormat } from "@/shared/format/datetime";
import { ErrorAlert, PageLoading, usePageTitle } from "@/shared/ui";
import { getPass, getPassQr, keys } from "../api";

export default function PassPage() {
  const { t } = useTranslation("portal");
  const fmt = useDateFormat();
  const id = Number(useParams().id);
  const pass = useQuery({ queryKey: keys.pass(id), queryFn: () => getPass(id), enabled: Number.isFinite(id) });
  const issued = pass.data?.state === "approved";
  const qr = useQuery({ queryKey: keys.qr(id), queryFn: () => getPassQr(id), enabled: issued });
  usePageTitle(t("pass.title"));
  if (pass.isLoading) return <PageLoading />;
  if (pass.error || !pass.data) return <ErrorAlert error={pass.error} />;
  const data = pass.data;
  const code = qr.data?.short_code || data.short_code;
  return (
    <div className="portal-page" data-pass-ready="">
      <p className="portal-back">
        <Link to="/passes">{t("pass.back")}</Link>
      </p>
      <h1>{data.holder_name || t(`passes.kind_${data.kind}`)}</h1>
      <section className="a-card portal-pass" aria-labelledby="pass-code">
        <span className={`portal-status portal-status--pass-${data.state}`}>{t(`passes.state_${data.state}`)}</span>
        {issued && qr.data ? (
          <img className="portal-pass__qr" src={qr.data.svg} alt={t("pass.qrAlt", { code })} width={320} height={320} />
        ) : issued && qr.error ? (
          <ErrorAlert error={qr.error} />
        ) : !issued ? (
          <p className="portal-muted">{t("pass.notIssued")}</p>
        ) : null}
        {code && (
          <p className="portal-pass__code">
            <span id="pass-code" className="portal-pass__codelabel">
              {t("pass.shortCode")}
            </span>
            <strong>{code}</strong>
          </p>
        )}
      </section>
      <section className="a-card portal-pad">
        <dl className="portal-dl">
          <dt>{t("pass.kind")}</dt>
          <dd>{t(`passes.kind_${data.kind}`)}</dd>
          <dt>{t("pass.valid")}</dt>
          <dd>{t("passes.validity", { from: fmt.date(data.valid_from), until: data.valid_until ? fmt.date(data.valid_until) : "…" })}</dd>
          {data.daily_from && data.daily_until && (
            <>
              <dt>{t("pass.hours")}</dt>
              <dd>
                {data.daily_from}–{data.daily_until}
              </dd>
            </>
          )}
          {data.vehicle_plate && (
            <>
              <dt>{t("pass.vehicle")}</dt>
              <dd>{data.vehicle_plate}</dd>
            </>
          )}
          {data.company && (
            <>
              <dt>{t("pass.company")}</dt>
              <dd>{data.company.name}</dd>
            </>
          )}
          {data.request && (
            <>
              <dt>{t("pass.request")}</dt>
              <dd>
                <Link to={`/requests/${data.request.id}`}>{data.request.key}</Link>
              </dd>
            </>
          )}
        </dl>
      </section>
    </div>
  );
}
