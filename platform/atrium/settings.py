"""Atrium settings: everything comes from the environment (12-factor).

`atrium up` / `atrium test` fill DATABASE_URL and REDIS_URL with embedded servers when they are not
set; production (Helm) sets them to managed PostgreSQL and Redis.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()

STATE_DIR = Path(env("ATRIUM_STATE_DIR", default=str(BASE_DIR / ".atrium")))
DEBUG = env.bool("DJANGO_DEBUG", default=False)
TESTING = env.bool("ATRIUM_TESTING", default=False)


def _secret_key() -> str:
    key = env("DJANGO_SECRET_KEY", default="")
    if key:
        return key
    # Development and tests: a random key kept in the (git-ignored) state folder.
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = STATE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# ------------------------------------------------------------------ hosts and domains
PLATFORM_DOMAIN = env("ATRIUM_DOMAIN", default="atrium.localhost")
PUBLIC_PORT = env.int("ATRIUM_PORT", default=8000)  # only used to print URLs in development
# How people reach an account host from outside: links in e-mails are built from this one setting
# (scheme, host and port); `{domain}` is the account's primary domain. Production: https://{domain}
ACCOUNT_BASE_URL = env("ATRIUM_ACCOUNT_BASE_URL", default=f"http://{{domain}}:{PUBLIC_PORT}")
# Custom account domains are allowed; the account middleware answers 404 for unknown hosts, so it
# is the real allow-list. Override in production if a front proxy does not already filter.
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
USE_X_FORWARDED_HOST = env.bool("DJANGO_USE_X_FORWARDED_HOST", default=False)
# Forwarded headers (X-Forwarded-For/-Proto/-Host...) are believed only from these peers
# (addresses or networks, e.g. the ingress controller's pod network); empty: from nobody
# (atrium/proxies.py). USE_X_FORWARDED_HOST and DJANGO_BEHIND_TLS_PROXY need it set.
ATRIUM_TRUSTED_PROXIES = env.list("ATRIUM_TRUSTED_PROXIES", default=[])
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_TLS_PROXY", False) else None
)

# Slugs that can never name an account: they are, or may become, hosts of the platform itself.
RESERVED_SLUGS = frozenset(
    env.list(
        "ATRIUM_RESERVED_SLUGS",
        default=[
            "www",
            "api",
            "admin",
            "console",
            "static",
            "media",
            "app",
            "apps",
            "mail",
            "smtp",
            "imap",
            "pop",
            "ftp",
            "ws",
            "wss",
            "status",
            "health",
            "help",
            "support",
            "docs",
            "blog",
            "billing",
            "pay",
            "stripe",
            "webhooks",
            "federation",
            "auth",
            "login",
            "signup",
            "register",
            "account",
            "accounts",
            "public",
            "template",
            "cdn",
            "assets",
            "internal",
            "root",
            "system",
            "atrium",
            "portal",
            "demo",
            "test",
            "dev",
            "staging",
            "prod",
            "localhost",
        ],
    )
)

# ------------------------------------------------------------------ apps
SHARED_APPS = [
    "django_tenants",
    "atrium.apps.AtriumConfig",  # the API's input rules (atrium/input.py) and error recording
    "kernel.outbox",  # tasks queued after a commit, kept until a broker took them (also per account)
    "tenants_shared.accounts",
    "billing",
    "tenants_shared.console",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "federation.directory",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from here, not a CDN (the CSP allows no other origin)
    "csp",
    "django_filters",
    "django.contrib.postgres",
    "channels",
    # The user model lives in every schema: platform operators in public, account people in each
    # account's own schema. The same e-mail in two accounts is two different people.
    "tenant_apps.people",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "knox",
    "kernel.outbox",
    "tenant_apps.people",
    "tenant_apps.objects",
    "tenant_apps.desk",
    "tenant_apps.approvals",
    "tenant_apps.live",
    "tenant_apps.notices",
    "tenant_apps.passes",
    "tenant_apps.audit",
    "tenant_apps.branding",
    "tenant_apps.notifications",
    "tenant_apps.schedules",
    "tenant_apps.calendars",
    "tenant_apps.sla",
    "federation",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "accounts.Account"
TENANT_DOMAIN_MODEL = "accounts.Domain"
TENANT_LIMIT_SET_CALLS = True
# Our provisioning clones a migrated template schema (tenants_shared/accounts/template.py).
ATRIUM_TEMPLATE_SCHEMA = "atrium_template"
GET_EXECUTOR_FUNCTION = "tenants_shared.accounts.migration.get_executor"
DEFAULT_NOT_FOUND_TENANT_VIEW = "atrium.views.unknown_host"
ACCOUNT_CACHE_SECONDS = env.float("ATRIUM_ACCOUNT_CACHE_SECONDS", default=5.0)
# spare schemas per account kind cloned ahead of time, renamed into place at sign-up (spares.py);
# off in tests unless a test turns it on (a live worker would otherwise fill every test database)
ACCOUNT_SPARE_SCHEMAS = env.int("ATRIUM_SPARE_SCHEMAS", default=0 if TESTING else 2)
CLOSED_ACCOUNT_RETENTION_DAYS = env.int("ATRIUM_CLOSED_RETENTION_DAYS", default=90)

MIDDLEWARE = [
    "kernel.proxies.ForwardedHeadersMiddleware",  # first: forwarded headers only from our proxies
    "atrium.middleware.ApiMiddleware",  # outermost: request ids, every API error in the one shape
    "atrium.health.HealthMiddleware",  # before the account lookup: probes answer on every host
    "tenants_shared.accounts.middleware.AccountMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "atrium.security_headers.ContentSecurityPolicyMiddleware",
    "atrium.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "tenants_shared.accounts.middleware.AccountLanguageMiddleware",
    "billing.enforcement.LicenceMiddleware",  # the one gate for writes to an account over HTTP
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenant_apps.people.impersonation.ImpersonationMiddleware",  # account hosts: operator sessions
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "atrium.urls_account"
PUBLIC_SCHEMA_URLCONF = "atrium.urls_public"
ASGI_APPLICATION = "atrium.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# ------------------------------------------------------------------ database
DATABASE_URL = env("DATABASE_URL", default="")
if not DATABASE_URL:
    # Set by `atrium up` / `atrium test`; this default only serves `manage.py` calls that never connect.
    DATABASE_URL = "postgres://postgres@localhost:5432/atrium"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"


# Under ASGI every request runs in a fresh thread, so per-thread persistent connections
# (CONN_MAX_AGE) never get reused: each request would open a new PostgreSQL session and start with
# cold catalog caches. psycopg 3's pool keeps warm sessions per process instead. django-tenants
# sets the search_path on the first query of every checkout, so a pooled session never carries an
# account's schema into another request.
def _reset_pooled_session(conn) -> None:
    """Run by the pool when a session comes back: nothing a request took (a session-level advisory
    lock) may follow the session into another request. search_path needs no reset: django-tenants
    sets it on the first query of every checkout."""
    conn.execute("SELECT pg_advisory_unlock_all()")


DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
    "min_size": env.int("ATRIUM_DB_POOL_MIN", default=2),
    "max_size": env.int("ATRIUM_DB_POOL_MAX", default=16),
    "timeout": 10,
    "reset": _reset_pooled_session,
}
DATABASES["default"].setdefault("TEST", {})["NAME"] = env("ATRIUM_TEST_DB_NAME", default="test_atrium")
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------ Redis: cache, Celery, Channels
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379").rstrip("/")
REDIS_DB_OFFSET = env.int("ATRIUM_REDIS_DB_OFFSET", default=0)  # tests use a separate set of DBs


def _redis(db: int) -> str:
    return f"{REDIS_URL}/{db + REDIS_DB_OFFSET}"


# Redis on a request path answers quickly or not at all: a Redis that is gone or frozen costs a
# request at most these many seconds, then the request goes on without it (throttles fail open,
# the account cache falls back to the database) or answers 503 (docs/operations.md, "Redis").
REDIS_REQUEST_TIMEOUT = env.float("ATRIUM_REDIS_TIMEOUT", default=1.0)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _redis(0),
        "OPTIONS": {
            "socket_connect_timeout": REDIS_REQUEST_TIMEOUT,
            "socket_timeout": REDIS_REQUEST_TIMEOUT,
        },
        # keys carry the account's schema: one account's cache entries never serve another
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
CELERY_BROKER_URL = _redis(1)
CELERY_RESULT_BACKEND = _redis(2)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker retries a lost broker for ever (it never gives up and exits); publishing from a request
# gives up after a bounded time instead (kernel.tasks), and the work is swept up later.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_REQUEST_TIMEOUT * 2,
    # above the worker's 1 s BRPOP poll; bounds what publishing from a request can wait
    "socket_timeout": env.float("ATRIUM_BROKER_SOCKET_TIMEOUT", default=2.0),
    "retry_on_timeout": True,
    "health_check_interval": 10,
    # unacknowledged work of a worker that vanished (SIGKILL, a lost node) is delivered again after
    # this long; it must exceed the longest countdown we queue (federation retries: 600 s)
    "visibility_timeout": env.int("ATRIUM_BROKER_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_REQUEST_TIMEOUT * 2,
    "socket_timeout": 10.0,
}
CELERY_BEAT_SCHEDULE_FILENAME = str(STATE_DIR / "celerybeat-schedule")
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # reads wait longer than the layer's 5 s blocking pop, so an idle reader never times out
        "CONFIG": {
            "hosts": [{"address": _redis(3), "socket_timeout": 30, "socket_connect_timeout": 5}],
            "prefix": "atrium",
            "capacity": 1000,
            "group_expiry": 86400,
        },
    }
}

# ------------------------------------------------------------------ auth
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = ["tenant_apps.people.auth.AccountPersonBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env.bool("ATRIUM_FAST_PASSWORD_HASHING", default=False):
    # Test runs only: hashing strength is not what the suite checks, and it costs seconds.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Links mailed to people: an invitation (set the first password) and a password reset. Both are
# signed, single use and bound to the account (tenant_apps/people/tokens.py).
ATRIUM_INVITATION_SECONDS = env.int("ATRIUM_INVITATION_SECONDS", default=7 * 24 * 3600)
# the sign-in link a sign-up answers with (POST /api/v1/signup/ -> sign_in_url): single use, short-lived
ATRIUM_WELCOME_LINK_SECONDS = env.int("ATRIUM_WELCOME_LINK_SECONDS", default=15 * 60)
PASSWORD_RESET_TIMEOUT = env.int("ATRIUM_PASSWORD_RESET_SECONDS", default=2 * 3600)
# Lockout after failed sign-ins and mailed-link attempts (tenant_apps/people/attempts.py): this
# many failures within the window lock the e-mail (or the client address) for ATRIUM_LOCKOUT_SECONDS.
ATRIUM_LOCKOUT_IDENTITY_FAILURES = env.int("ATRIUM_LOCKOUT_IDENTITY_FAILURES", default=10)
ATRIUM_LOCKOUT_ADDRESS_FAILURES = env.int("ATRIUM_LOCKOUT_ADDRESS_FAILURES", default=30)
ATRIUM_LOCKOUT_WINDOW_SECONDS = env.int("ATRIUM_LOCKOUT_WINDOW_SECONDS", default=15 * 60)
ATRIUM_LOCKOUT_SECONDS = env.int("ATRIUM_LOCKOUT_SECONDS", default=15 * 60)
SESSION_COOKIE_AGE = env.int("ATRIUM_SESSION_SECONDS", default=14 * 24 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SAMESITE = "Lax"

# ------------------------------------------------------------------ transport and headers (docs/security.md)
# Production sets DJANGO_SECURE_COOKIES=1, DJANGO_BEHIND_TLS_PROXY=1 (with ATRIUM_TRUSTED_PROXIES),
# DJANGO_SSL_REDIRECT=1 and DJANGO_HSTS_SECONDS (e.g. 31536000); the health probes answer before
# the redirect (atrium/health.py runs first), so plain-HTTP kubelet probes keep working.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    # atrium/security_headers.py adds the websocket of the host asked to connect-src, and lifts
    # form-action on the operator console (its handoff form posts to an account's host)
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"upgrade-insecure-requests": True} if SESSION_COOKIE_SECURE else {}),
    },
}
# Cookies stay host-only (no SESSION_COOKIE_DOMAIN): a browser never sends account A's session to
# account B's host, and the session table is per schema anyway.

REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("ATRIUM_TOKEN_TTL_HOURS", default=12)),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 60,  # extend the expiry at most once a minute, not with a write per request
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTH_HEADER_PREFIX": "Token",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenant_apps.people.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "kernel.schema.AutoSchema",  # error answers declared in one place
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "kernel.input.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "kernel.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "kernel.errors.api_exception_handler",
    # throttles count REMOTE_ADDR, which kernel.proxies resolved; never X-Forwarded-For itself
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {
        "signup": env("ATRIUM_SIGNUP_RATE", default="20/hour"),
        "login": env("ATRIUM_LOGIN_RATE", default="30/minute"),
        # per client address and account: asking for reset mails, and per e-mail address asked about
        "password_reset": env("ATRIUM_PASSWORD_RESET_RATE", default="10/hour"),
        "password_reset_email": env("ATRIUM_PASSWORD_RESET_EMAIL_RATE", default="3/hour"),
        # per client address and account: using mailed links (invitation accept, reset confirm)
        "password_link": env("ATRIUM_PASSWORD_LINK_RATE", default="30/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Atrium API",
    "DESCRIPTION": "Service desk for shopping malls and retail chains.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PriorityEnum": "tenant_apps.desk.models.Priority",
        "TicketCategoryEnum": "tenant_apps.desk.models.Category",
        "ChecklistItemKindEnum": "tenant_apps.desk.models.ChecklistItemKind",
        "AnnouncementAudienceEnum": "tenant_apps.notices.models.Audience",
        "AnnouncementStateEnum": "tenant_apps.notices.models.State",
        "PassKindEnum": "tenant_apps.passes.models.PassKind",
        "GateReasonEnum": "tenant_apps.passes.models.Reason",
        "GateCheckMethodEnum": "tenant_apps.passes.models.CheckMethod",
        "PartnershipStateEnum": "federation.directory.models.PartnershipState",
        "PartnershipSideEnum": "federation.directory.models.Side",
        "LinkRoleEnum": "federation.models.LinkRole",
        "RoleEnum": "tenant_apps.people.models.Role",
        "LinkStateEnum": "federation.models.LinkState",
    },
}

# ------------------------------------------------------------------ i18n, time
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# ------------------------------------------------------------------ files, mail
STATIC_URL = "/static/"
STATIC_ROOT = env(
    "ATRIUM_STATIC_ROOT", default=None
)  # set in production (collectstatic); dev serves from finders
MEDIA_ROOT = Path(env("ATRIUM_MEDIA_ROOT", default=str(STATE_DIR / "media")))
STORAGES = {
    # Files are stored under "<schema>/..." by the apps themselves, so any backend keeps accounts
    # apart: the file system in development, S3-compatible storage in production
    # (e.g. ATRIUM_FILE_STORAGE=storages.backends.s3.S3Storage with django-storages installed).
    "default": {
        "BACKEND": env("ATRIUM_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("ATRIUM_FILE_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# The web app (frontend/, built by Vite into frontend/dist): served at /static/web/; its hashed
# assets get a year-long immutable cache, the two index pages none (atrium/webapp.py).
WEBAPP_DIST = Path(env("ATRIUM_WEBAPP_DIST", default=str(BASE_DIR / "frontend" / "dist")))
STATICFILES_DIRS = [("web", WEBAPP_DIST)] if WEBAPP_DIST.is_dir() else []
WHITENOISE_IMMUTABLE_FILE_TEST = "atrium.webapp.is_immutable_asset"
ATTACHMENT_MAX_BYTES = env.int("ATRIUM_ATTACHMENT_MAX_MB", default=20) * 1024 * 1024
BRANDING_LOGO_MAX_BYTES = env.int("ATRIUM_BRANDING_LOGO_MAX_KB", default=2048) * 1024
# images are decoded to be re-encoded without metadata (atrium/uploads.py): more pixels are refused
ATTACHMENT_MAX_PIXELS = env.int("ATRIUM_ATTACHMENT_MAX_MEGAPIXELS", default=50) * 1_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("ATRIUM_MAIL_DIR", default=str(STATE_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Atrium <no-reply@atrium.localhost>")
# production: DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the server's
# settings from the environment (docs/notifications.md); every mail is sent from a Celery task
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # a hung server fails the task, which retries

# ------------------------------------------------------------------ Stripe (billing)
# Without a secret key the checkout, portal and seat endpoints answer 503 `billing_not_configured`;
# without a webhook secret the webhook does. STRIPE_API_BASE points the client elsewhere (the fake
# Stripe server of the tests, tests/billing/fake_stripe.py); empty means Stripe itself.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("ATRIUM_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# ------------------------------------------------------------------ federation (docs/federation.md)
# This deployment's public base URL, as partners on other deployments reach it.
FEDERATION_BASE_URL = env("ATRIUM_FEDERATION_BASE_URL", default=f"http://{PLATFORM_DOMAIN}:{PUBLIC_PORT}")
FEDERATION_REPLAY_WINDOW_SECONDS = env.int("ATRIUM_FEDERATION_REPLAY_WINDOW", default=300)
FEDERATION_KEY_OVERLAP_SECONDS = env.int("ATRIUM_FEDERATION_KEY_OVERLAP", default=24 * 3600)
FEDERATION_INLINE_MAX_BYTES = env.int("ATRIUM_FEDERATION_INLINE_KB", default=256) * 1024
FEDERATION_FILE_URL_SECONDS = env.int("ATRIUM_FEDERATION_FILE_URL_SECONDS", default=24 * 3600)
FEDERATION_MAX_ATTEMPTS = env.int("ATRIUM_FEDERATION_MAX_ATTEMPTS", default=15)  # then parked
FEDERATION_DRAIN_BATCH = env.int("ATRIUM_FEDERATION_DRAIN_BATCH", default=50)  # messages per transaction
# a queued drain is not queued again for its link until it starts or this long has passed
FEDERATION_DRAIN_PENDING_SECONDS = env.int("ATRIUM_FEDERATION_DRAIN_PENDING", default=120)
# the sweep queues drains for messages unsent this long without a drain on its way
FEDERATION_SWEEP_GRACE_SECONDS = env.int("ATRIUM_FEDERATION_SWEEP_GRACE", default=60)
FEDERATION_RETRY_BASE_SECONDS = env.float("ATRIUM_FEDERATION_RETRY_BASE", default=1.0)
FEDERATION_RETRY_CAP_SECONDS = env.float("ATRIUM_FEDERATION_RETRY_CAP", default=600.0)
FEDERATION_HTTP_TIMEOUT = env.float("ATRIUM_FEDERATION_HTTP_TIMEOUT", default=10.0)
# how long an invitation code for a partner on another deployment stays valid, by default
FEDERATION_INVITATION_HOURS = env.int("ATRIUM_FEDERATION_INVITATION_HOURS", default=72)
# Partnerships whose partner is on this deployment deliver in-process (same messages and checks);
# tests set this to "http" to push same-deployment messages through the HTTP endpoint instead.
FEDERATION_LOCAL_TRANSPORT = env("ATRIUM_FEDERATION_LOCAL_TRANSPORT", default="direct")
# Host header for HTTP delivery to this deployment's own base URL (when it is an IP address).
FEDERATION_HOST_HEADER = env("ATRIUM_FEDERATION_HOST_HEADER", default="")
