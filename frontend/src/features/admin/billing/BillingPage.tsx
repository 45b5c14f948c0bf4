import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "@/api/client";
import { useDateFormat } from "@/shared/format/datetime";
import { Alert, Button, ErrorAlert, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import "../adminScreens.css";

const billingKey = ["admin", "billing"] as const;

const startCheckout = (plan: string, seats: number) =>
  unwrap(api.POST("/api/v1/billing/checkout/", { body: { plan, seats } }));
const openPortal = () => unwrap(api.POST("/api/v1/billing/portal/"));

/** /app/admin/billing: plan, state, seats, trial end; Stripe Checkout and the Customer Portal. */
export default function BillingPage() {
  const { t } = useTranslation("billing");
  usePageTitle(t("title"));
  const fmt = useDateFormat();
  const billing = useQuery({ queryKey: billingKey, queryFn: () => unwrap(api.GET("/api/v1/billing/")) });
  const [seats, setSeats] = useState<string>("");
  const go = (url: string) => window.location.assign(url);
  const checkout = useMutation({ mutationFn: ({ plan, n }: { plan: string; n: number }) => startCheckout(plan, n), onSuccess: (s) => go(s.url) });
  const portal = useMutation({ mutationFn: openPortal, onSuccess: (s) => go(s.url) });
  if (billing.isPending) return <PageLoading />;
  if (billing.isError)
    return (
      <div className="a-page">
        <h1>{t("title")}</h1>
        <ErrorAlert error={billing.error} />
      </div>
    );
  const b = billing.data;
  const seatCount = Number(seats || Math.max(b.seats.used, 1));
  return (
    <div className="a-page adm">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{b.plan ? b.plan.name : t("noPlan")}</p>
        </div>
      </div>
      {b.banner && <Alert tone={b.writable ? "info" : "warning"}>{b.banner}</Alert>}
      <section className="a-card adm__card" aria-labelledby="billing-state">
        <h2 id="billing-state">{t("licence.title")}</h2>
        <dl className="adm__facts">
          <dt>{t("licence.plan")}</dt>
          <dd>{b.plan ? b.plan.name : t("noPlan")}</dd>
          <dt>{t("licence.state")}</dt>
          <dd>{t(`states.${b.state}`)}</dd>
          <dt>{t("licence.seats")}</dt>
          <dd data-testid="billing-seats">{t("licence.seatsValue", { used: b.seats.used, allowed: b.seats.available })}</dd>
          <dt>{t("licence.purchased")}</dt>
          <dd>{b.seats.purchased}</dd>
          {b.trial_ends_at && (
            <>
              <dt>{t("licence.trialEnds")}</dt>
              <dd>{fmt.dateTime(b.trial_ends_at)}</dd>
            </>
          )}
          {b.current_period_end && (
            <>
              <dt>{t("licence.periodEnds")}</dt>
              <dd>{fmt.dateTime(b.current_period_end)}</dd>
            </>
          )}
          {b.grace_until && (
            <>
              <dt>{t("licence.graceUntil")}</dt>
              <dd>{fmt.dateTime(b.grace_until)}</dd>
            </>
          )}
        </dl>
        {b.subscribed && b.online_payment && (
          <>
            <ErrorAlert error={portal.error} />
            <Button variant="primary" busy={portal.isPending} onClick={() => portal.mutate()}>
              {t("portal")}
            </Button>
            <p className="adm__hint">{t("portalHint")}</p>
          </>
        )}
      </section>
      <EventsCard />
      {!b.subscribed && b.online_payment && b.plans.some((p) => p.purchasable) && (
        <section className="a-card adm__card" aria-labelledby="billing-plans">
          <h2 id="billing-plans">{t("plans.title")}</h2>
          <ErrorAlert error={checkout.error} shownFields={[]} />
          <div className="adm__row-form">
            <TextField
              label={t("plans.seats")}
              type="number"
              min={1}
              value={seats || String(Math.max(b.seats.used, 1))}
              onChange={(e) => setSeats(e.target.value)}
            />
          </div>
          <table className="adm__table">
            <thead>
              <tr>
                <th scope="col">{t("plans.plan")}</th>
                <th scope="col">{t("plans.price")}</th>
                <th scope="col">{t("plans.features")}</th>
                <th scope="col">
                  <span className="a-visually-hidden">{t("plans.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {b.plans
                .filter((p) => p.purchasable)
                .map((p) => (
                  <tr key={p.code}>
                    <td className="adm__strong">{p.name}</td>
                    <td>{t("plans.perSeat", { price: p.price_per_seat_month, currency: p.currency.toUpperCase() })}</td>
                    <td>{p.features.join(", ") || "—"}</td>
                    <td className="adm__actions">
                      <Button
                        size="sm"
                        variant="primary"
                        busy={checkout.isPending && checkout.variables?.plan === p.code}
                        onClick={() => checkout.mutate({ plan: p.code, n: seatCount })}
                        aria-label={t("plans.subscribeTo", { name: p.name })}
                      >
                        {t("plans.subscribe")}
                      </Button>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

function EventsCard() {
  const { t } = useTranslation("billing");
  const fmt = useDateFormat();
  const events = useQuery({ queryKey: [...billingKey, "events"], queryFn: () => unwrap(api.GET("/api/v1/billing/events/")) });
  return (
    <section className="a-card adm__card" aria-labelledby="billing-events">
      <h2 id="billing-events">{t("events.title")}</h2>
      {events.isError && <ErrorAlert error={events.error} />}
      {events.data && events.data.length === 0 && <p className="a-empty">{t("events.empty")}</p>}
      {events.data && events.data.length > 0 && (
        <table className="adm__table">
          <thead>
            <tr>
              <th scope="col">{t("events.at")}</th>
              <th scope="col">{t("events.type")}</th>
              <th scope="col">{t("events.outcome")}</th>
            </tr>
          </thead>
          <tbody>
            {events.data.map((e) => (
              <tr key={e.id}>
                <td>{fmt.dateTime(e.created)}</td>
                <td>
                  <code>{e.type}</code>
                </td>
                <td>{e.failed ? <span className="adm__badge adm__badge--danger">{t("events.failed")}</span> : e.outcome || (e.processed_at ? t("events.done") : t("events.waiting"))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
