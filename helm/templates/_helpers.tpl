{{/*
Chart name, truncated to 63 characters (a DNS label).
*/}}
{{- define "atrium.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name. Truncated to 52 characters so that suffixed names
("-worker", "-migrate", ...) stay within 63.
*/}}
{{- define "atrium.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "atrium.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "atrium.labels" -}}
helm.sh/chart: {{ include "atrium.chart" . }}
{{ include "atrium.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: atrium
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Selector labels (without component).
*/}}
{{- define "atrium.selectorLabels" -}}
app.kubernetes.io/name: {{ include "atrium.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels / selector labels for one component. Call with (dict "ctx" $ "component" "web").
*/}}
{{- define "atrium.componentLabels" -}}
{{ include "atrium.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "atrium.componentSelectorLabels" -}}
{{ include "atrium.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Service account name.
*/}}
{{- define "atrium.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "atrium.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Service account of the migration hook Job. A chart-created ServiceAccount does not exist yet
when a pre-install hook runs, so the Job then uses the namespace's default account (with no
token mounted); a pre-existing account (serviceAccount.create=false) is used as is.
*/}}
{{- define "atrium.migrateServiceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- print "default" }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference.
*/}}
{{- define "atrium.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) }}
{{- end }}

{{/*
The platform domain; fails early when missing.
*/}}
{{- define "atrium.domain" -}}
{{- required "config.domain is required (the platform domain, e.g. atrium.example.com)" .Values.config.domain }}
{{- end }}

{{/*
Names of the ConfigMap and Secret the workloads read.
*/}}
{{- define "atrium.configMapName" -}}
{{- include "atrium.fullname" . }}
{{- end }}

{{- define "atrium.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- include "atrium.fullname" . }}
{{- end }}
{{- end }}

{{/*
ConfigMap data (shared by the release ConfigMap and the migration hook's copy).
*/}}
{{- define "atrium.configData" -}}
{{- $domain := include "atrium.domain" . -}}
ATRIUM_DOMAIN: {{ $domain | quote }}
DJANGO_ALLOWED_HOSTS: {{ .Values.config.allowedHosts | default "*" | quote }}
DJANGO_CSRF_TRUSTED_ORIGINS: {{ .Values.config.csrfTrustedOrigins | default (printf "https://%s,https://*.%s" $domain $domain) | quote }}
DJANGO_BEHIND_TLS_PROXY: {{ ternary "1" "0" .Values.config.behindTlsProxy | quote }}
DJANGO_SECURE_COOKIES: {{ ternary "1" "0" .Values.config.secureCookies | quote }}
ATRIUM_TRUSTED_PROXIES: {{ .Values.config.trustedProxies | default "" | quote }}
DJANGO_SSL_REDIRECT: {{ ternary "1" "0" .Values.config.sslRedirect | quote }}
DJANGO_HSTS_SECONDS: {{ .Values.config.hstsSeconds | default 0 | quote }}
DJANGO_HSTS_INCLUDE_SUBDOMAINS: {{ ternary "1" "0" .Values.config.hstsIncludeSubdomains | quote }}
DJANGO_EMAIL_BACKEND: {{ .Values.config.emailBackend | quote }}
ATRIUM_LOG_LEVEL: {{ .Values.config.logLevel | quote }}
ATRIUM_STATE_DIR: {{ .Values.config.stateDir | quote }}
ATRIUM_STATIC_ROOT: {{ .Values.config.staticRoot | quote }}
ATRIUM_MEDIA_ROOT: {{ .Values.config.mediaRoot | quote }}
{{- with .Values.config.pgDump }}
ATRIUM_PG_DUMP: {{ . | quote }}
{{- end }}
{{- range $key, $value := .Values.config.extraEnv }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
DJANGO_SECRET_KEY for the chart's own Secret: the value given, else the one already stored in
the release's Secret (so upgrades keep sessions valid), else a new random key.
*/}}
{{- define "atrium.djangoSecretKey" -}}
{{- if .Values.secrets.djangoSecretKey }}
{{- .Values.secrets.djangoSecretKey }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "atrium.fullname" .) }}
{{- $key := .Values.secrets.keys.djangoSecretKey }}
{{- if and $existing $existing.data (hasKey $existing.data $key) }}
{{- index $existing.data $key | b64dec }}
{{- else }}
{{- randAlphaNum 64 }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Secret data (base64), shared by the release Secret and the migration hook's copy.
Call with (dict "ctx" $ "djangoSecretKey" $key) so both copies carry the same key.
*/}}
{{- define "atrium.secretData" -}}
{{- $v := .ctx.Values.secrets -}}
{{ $v.keys.djangoSecretKey }}: {{ .djangoSecretKey | b64enc | quote }}
{{ $v.keys.databaseUrl }}: {{ required "secrets.databaseUrl (postgres://user:pass@host:5432/db) or secrets.existingSecret is required" $v.databaseUrl | b64enc | quote }}
{{ $v.keys.redisUrl }}: {{ required "secrets.redisUrl (redis://host:6379, no db number) or secrets.existingSecret is required" $v.redisUrl | trimSuffix "/" | b64enc | quote }}
{{- with $v.stripeSecretKey }}
{{ $v.keys.stripeSecretKey }}: {{ . | b64enc | quote }}
{{- end }}
{{- with $v.stripeWebhookSecret }}
{{ $v.keys.stripeWebhookSecret }}: {{ . | b64enc | quote }}
{{- end }}
{{- end }}

{{/*
Environment of every Atrium container. Call with (dict "ctx" $ "configMap" NAME "secret" NAME).
*/}}
{{- define "atrium.env" -}}
{{- $v := .ctx.Values -}}
- name: HOME
  value: /tmp
- name: PYTHONDONTWRITEBYTECODE
  value: "1"
- name: DJANGO_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ $v.secrets.keys.djangoSecretKey }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ $v.secrets.keys.databaseUrl }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ $v.secrets.keys.redisUrl }}
- name: STRIPE_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ $v.secrets.keys.stripeSecretKey }}
      optional: true
- name: STRIPE_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ $v.secrets.keys.stripeWebhookSecret }}
      optional: true
{{- with $v.extraEnvVars }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "atrium.envFrom" -}}
- configMapRef:
    name: {{ .configMap }}
{{- end }}

{{/*
Checksum of the configuration, as a pod annotation: changing config or secrets rolls the pods.
*/}}
{{- define "atrium.configChecksum" -}}
{{- $secret := "" }}
{{- if not .Values.secrets.existingSecret }}
{{- $secret = toYaml .Values.secrets }}
{{- end }}
{{- printf "%s\n%s\n%s" (include "atrium.configData" .) $secret .Values.secrets.existingSecret | sha256sum }}
{{- end }}

{{/*
Volumes every pod gets: /tmp (the root filesystem is read-only).
*/}}
{{- define "atrium.tmpVolume" -}}
- name: tmp
  emptyDir:
    {{- with .Values.tmpVolume.sizeLimit }}
    sizeLimit: {{ . }}
    {{- end }}
{{- end }}

{{- define "atrium.mediaVolume" -}}
- name: media
  {{- if .Values.persistence.media.enabled }}
  persistentVolumeClaim:
    claimName: {{ .Values.persistence.media.existingClaim | default (printf "%s-media" (include "atrium.fullname" .)) }}
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- end }}
