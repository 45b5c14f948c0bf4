import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Schemas, unwrap } from "@/api/client";
import { useDateFormat } from "@/shared/format/datetime";
import { Alert, Button, ErrorAlert, fieldErrors, PageLoading, TextField, usePageTitle } from "@/shared/ui";
import "../adminScreens.css";

type Branding = Schemas["Branding"];
const brandingKey = ["admin", "branding"] as const;
const domainKey = ["admin", "custom-domain"] as const;

const uploadLogo = (file: File) =>
  unwrap(
    api.PUT("/api/v1/branding/logo/", {
      // multipart: the browser sets the boundary
      body: { file: file as unknown as string },
      bodySerializer: () => {
        const form = new FormData();
        form.append("file", file, file.name);
        return form;
      },
    }),
  );

/** /app/admin/branding: the portal's name, welcome text, colours and logo; the custom domain. */
export default function BrandingPage() {
  const { t } = useTranslation("branding");
  usePageTitle(t("title"));
  const branding = useQuery({ queryKey: brandingKey, queryFn: () => unwrap(api.GET("/api/v1/branding/")) });
  return (
    <div className="a-page adm">
      <div className="a-page__header">
        <div>
          <h1>{t("title")}</h1>
          <p className="a-page__subtitle">{t("subtitle")}</p>
        </div>
      </div>
      {branding.isPending ? (
        <PageLoading />
      ) : branding.isError ? (
        <ErrorAlert error={branding.error} />
      ) : (
        <>
          {/* not keyed by the data: saving (or a logo upload) replaces it, and a remount would drop
              the "Saved." notice and any edit in progress; the card's fields already hold what was saved */}
          <BrandCard branding={branding.data} />
          <LogoCard branding={branding.data} />
        </>
      )}
      <DomainCard />
    </div>
  );
}

function BrandCard({ branding }: { branding: Branding }) {
  const { t } = useTranslation(["branding", "shared"]);
  const queryClient = useQueryClient();
  const [portalName, setPortalName] = useState(branding.portal_name);
  const [welcome, setWelcome] = useState(branding.welcome_text);
  const [primary, setPrimary] = useState(branding.primary_color);
  const [accent, setAccent] = useState(branding.accent_color);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH("/api/v1/branding/", {
          body: { portal_name: portalName, welcome_text: welcome, primary_color: primary, accent_color: accent },
        }),
      ),
    onSuccess: (data) => queryClient.setQueryData(brandingKey, data),
  });
  const fields = ["portal_name", "welcome_text", "primary_color", "accent_color"];
  return (
    <section className="a-card adm__card" aria-labelledby="brand-portal">
      <h2 id="brand-portal">{t("portal.title")}</h2>
      {save.isSuccess && <Alert tone="success">{t("portal.saved")}</Alert>}
      <ErrorAlert error={save.error} shownFields={fields} />
      <form
        className="a-form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
        noValidate
      >
        <TextField label={t("portal.name")} value={portalName} onChange={(e) => setPortalName(e.target.value)} errors={fieldErrors(save.error, "portal_name")} />
        <div className="a-field">
          <label className="a-field__label" htmlFor="brand-welcome">
            {t("portal.welcome")}
          </label>
          <textarea id="brand-welcome" className="a-input" rows={3} value={welcome} onChange={(e) => setWelcome(e.target.value)} />
        </div>
        <div className="adm__row-form">
          <TextField
            label={t("portal.primary")}
            type="color"
            value={primary}
            onChange={(e) => setPrimary(e.target.value)}
            errors={fieldErrors(save.error, "primary_color")}
          />
          <TextField
            label={t("portal.accent")}
            type="color"
            value={accent}
            onChange={(e) => setAccent(e.target.value)}
            errors={fieldErrors(save.error, "accent_color")}
          />
        </div>
        <div className="a-form__actions">
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t("shared:actions.save")}
          </Button>
        </div>
      </form>
    </section>
  );
}

function LogoCard({ branding }: { branding: Branding }) {
  const { t } = useTranslation("branding");
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const upload = useMutation({ mutationFn: uploadLogo, onSuccess: (data) => queryClient.setQueryData(brandingKey, data) });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/branding/logo/")),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: brandingKey }),
  });
  return (
    <section className="a-card adm__card" aria-labelledby="brand-logo">
      <h2 id="brand-logo">{t("logo.title")}</h2>
      {branding.logo_url ? (
        <img src={branding.logo_url} alt={t("logo.current")} style={{ maxHeight: 64, maxWidth: 240, alignSelf: "start" }} />
      ) : (
        <p className="adm__muted">{t("logo.none")}</p>
      )}
      <ErrorAlert error={upload.error ?? remove.error} />
      <div className="adm__buttons">
        <label className="a-field__label" htmlFor="brand-logo-file">
          {t("logo.choose")}
        </label>
        <input
          id="brand-logo-file"
          ref={input}
          type="file"
          accept="image/png,image/jpeg,image/webp"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) upload.mutate(file);
          }}
        />
        {branding.logo_url && (
          <Button variant="ghost" busy={remove.isPending} onClick={() => remove.mutate()}>
            {t("logo.remove")}
          </Button>
        )}
      </div>
    </section>
  );
}

function DomainCard() {
  const { t } = useTranslation("branding");
  const fmt = useDateFormat();
  const queryClient = useQueryClient();
  const state = useQuery({ queryKey: domainKey, queryFn: () => unwrap(api.GET("/api/v1/custom-domain/")) });
  const [domain, setDomain] = useState("");
  const put = (data: Schemas["DomainState"]) => queryClient.setQueryData(domainKey, data);
  const name = useMutation({ mutationFn: () => unwrap(api.PUT("/api/v1/custom-domain/", { body: { domain } })), onSuccess: put });
  const check = useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/custom-domain/check/")), onSuccess: put });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/custom-domain/")),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: domainKey }),
  });
  const s = state.data;
  return (
    <section className="a-card adm__card" aria-labelledby="brand-domain">
      <h2 id="brand-domain">{t("domain.title")}</h2>
      <p className="adm__hint">{t("domain.hint")}</p>
      {state.isError && <ErrorAlert error={state.error} />}
      <ErrorAlert error={name.error} shownFields={["domain"]} />
      <form
        className="adm__row-form"
        onSubmit={(e) => {
          e.preventDefault();
          name.mutate();
        }}
        noValidate
      >
        <TextField
          label={t("domain.name")}
          placeholder="desk.example.com"
          value={domain}
          onChange={(e) => setDomain(e.target.value)}
          errors={fieldErrors(name.error, "domain")}
        />
        <div className="adm__row-form-actions">
          <Button type="submit" busy={name.isPending}>
            {t("domain.submit")}
          </Button>
        </div>
      </form>
      {s && s.status !== "none" && (
        <>
          <dl className="adm__facts" data-testid="domain-state">
            <dt>{t("domain.current")}</dt>
            <dd className="adm__strong">{s.domain}</dd>
            <dt>{t("domain.status")}</dt>
            <dd>{t(`domain.states.${s.status}`)}</dd>
            <dt>{t("domain.record")}</dt>
            <dd>
              <code>
                {s.record_name} {s.record_type} {s.record_value}
              </code>
            </dd>
            {s.checked_at && (
              <>
                <dt>{t("domain.checked")}</dt>
                <dd>{fmt.dateTime(s.checked_at)}</dd>
              </>
            )}
          </dl>
          {s.last_error && <Alert tone="warning">{s.last_error}</Alert>}
          <ErrorAlert error={check.error ?? remove.error} />
          <div className="adm__buttons">
            <Button variant="primary" busy={check.isPending} onClick={() => check.mutate()}>
              {t("domain.check")}
            </Button>
            <Button variant="ghost" busy={remove.isPending} onClick={() => remove.mutate()}>
              {t("domain.remove")}
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
