"""Settings shared by every environment; everything deployment-specific comes from the environment.

Variables (documented in .env.example): DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG,
DJANGO_ALLOWED_HOSTS, THADS_EXPORTS_DIR.
"""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # local state: the SQLite database, collected static files (not in git)
VAR_DIR.mkdir(exist_ok=True)
EXPORTS_DIR = Path(os.environ.get("THADS_EXPORTS_DIR") or VAR_DIR / "exports")  # generated official forms


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
# Development default only; production.py refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "thads.core.apps.ThadsAdminConfig",  # django.contrib.admin with thads.core.admin_site.ThadsAdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "thads.org",
    "thads.audit",
    "banks",
    "cases",
    "dialogues",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "thads.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "thads.core.middleware.LanguageMiddleware",
    "thads.api.middleware.ApiMiddleware",  # /api/ only: request id, Accept-Language, JSON errors, log line
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "thads.api.address_limit.UnauthenticatedApiLimitMiddleware",  # /api/ only: refusals (401) per address
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session passed the code step
    "thads.core.middleware.IdleSessionMiddleware",
    "thads.org.twofactor.TwoFactorMiddleware",  # a session with a device must pass the code step first
    "thads.core.middleware.ScopeMemoMiddleware",
    "thads.audit.context.AuditSourceMiddleware",  # which door a write came through (page, admin, API)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused while paused into the login page with status 429 (thads.org.login).
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy header (thads.core.middleware): none in development; production sets one.
CONTENT_SECURITY_POLICY = None
CONTENT_SECURITY_POLICY_PATHS: dict[str, str] = {}
# Production's default: everything from this site only (static files are served by WhiteNoise, no CDN). The one
# inline script of the pages is the language selectors' onchange handler, allowed by its hash alone
# (tests/core/test_deploy_settings.py fails when a template gains a handler that is not listed here).
_INLINE_SUBMIT = "'sha256-osjxnKEPL/pQJbFk1dKsF7PYFmTyMWGmVSiL9inhxJY='"  # this.form.submit()
PRODUCTION_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; "
    f"script-src 'self' 'unsafe-hashes' {_INLINE_SUBMIT}; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

ROOT_URLCONF = "thads.urls"
WSGI_APPLICATION = "thads.wsgi.application"
ASGI_APPLICATION = "thads.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "thads.core.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'thads.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serves the demo and the fast test run; WAL and a busy timeout keep runserver and a
    # management command from tripping over each other's locks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: the users read Vietnamese; legal dates are local to Vietnam.
LANGUAGE_CODE = "vi"
# Each language is named in itself, so a person can find theirs whatever is active.
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["thads.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"

# Log-in defence (thads.org.login, django-axes keeps the counts in the database): see docs/operations.md.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses any attempt while the account or address is paused
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # counted per account and per address
AXES_FAILURE_LIMIT = "thads.org.login.failure_limit"  # the two limits above
AXES_COOLOFF_TIME = "thads.org.login.cool_off"
AXES_LOCKOUT_CALLABLE = "thads.org.login.lockout_response"
AXES_RESET_ON_SUCCESS = False  # a success does not wipe an address's failures (another account may be guessed)
AXES_DISABLE_ACCESS_LOG = True  # successful log-ins are not logged by axes; lockouts are (org.LoginLockout)
AXES_ENABLE_ADMIN = False  # unlocking goes through thads.org.services.login_unlock, which records who did it
# The client's address: REMOTE_ADDR unless the app sits behind N trusted proxies that set X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]  # a forged X-Forwarded-For cannot dodge the limit

# Sessions end after SESSION_IDLE_MINUTES without a request (thads.core.middleware.IdleSessionMiddleware) and
# at the latest SESSION_COOKIE_AGE after the last time the session was written.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_ACTIVITY_RESOLUTION = 60
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_HOURS", "10")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Two-factor log-in (thads.org.twofactor, django-otp): optional for administrators and unit heads; with
# TWO_FACTOR_REQUIRED_FOR_ADMINS on, an administrator without a device is sent to the enrolment page first.
TWO_FACTOR_REQUIRED_FOR_ADMINS = env_bool("TWO_FACTOR_REQUIRED_FOR_ADMINS", False)
TWO_FACTOR_PENDING_MINUTES = 5  # how long the code step waits after the right password
TWO_FACTOR_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "THADS"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The API is for banks only (banks.api): deny by default, bearer keys, per-key throttles, one error shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["thads.api.authentication.BankKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["thads.api.authentication.IsBank"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "thads.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "bank_burst": os.environ.get("API_THROTTLE_BURST", "120/min"),
        "bank_sustained": os.environ.get("API_THROTTLE_SUSTAINED", "50000/day"),
    },
    "UNAUTHENTICATED_USER": None,
}
# Ledger import (cases.ledger.reader): a file larger than this is refused before it is read.
LEDGER_MAX_FILE_BYTES = int(os.environ.get("LEDGER_MAX_FILE_MB", "256")) * 1024 * 1024
# Requests under /api/ refused for want of a valid key, per client address (thads.api.address_limit); "" = off.
API_THROTTLE_UNAUTHENTICATED = os.environ.get("API_THROTTLE_UNAUTHENTICATED", "60/min")
# Webhooks (docs/api.md «Webhooks»): a failed delivery is retried after BASE, 2×BASE, 4×BASE… seconds (at most
# MAX apart) until RETRY_WINDOW seconds have passed since its first failure; then the endpoint is paused.
WEBHOOK_BACKOFF_BASE_SECONDS = float(os.environ.get("WEBHOOK_BACKOFF_BASE_SECONDS", "30"))
WEBHOOK_BACKOFF_MAX_SECONDS = float(os.environ.get("WEBHOOK_BACKOFF_MAX_SECONDS", "3600"))
WEBHOOK_RETRY_WINDOW_SECONDS = int(os.environ.get("WEBHOOK_RETRY_WINDOW_SECONDS", str(24 * 3600)))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_SECRET_OVERLAP_HOURS = int(os.environ.get("WEBHOOK_SECRET_OVERLAP_HOURS", "24"))
WEBHOOK_BATCH = int(os.environ.get("WEBHOOK_BATCH", "200"))  # entries one task run delivers before handing over
WEBHOOK_LOG_DAYS = int(os.environ.get("WEBHOOK_LOG_DAYS", "90"))  # the delivery log is pruned after this
# http:// to 127.0.0.1/localhost (a receiver on the developer's machine); never in production.
WEBHOOK_ALLOW_HTTP_LOCALHOST = env_bool("WEBHOOK_ALLOW_HTTP_LOCALHOST", DEBUG)
# SSRF defence: refuse an endpoint whose host resolves to a private, loopback, link-local or reserved address
# (checked on registration and again on every delivery, connecting to the address checked).
WEBHOOK_BLOCK_PRIVATE_ADDRESSES = env_bool("WEBHOOK_BLOCK_PRIVATE_ADDRESSES", not DEBUG)
# E-mail (the notice to a bank's webhook contact). Unset host: mail goes to the console log.
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if os.environ.get("EMAIL_HOST")
                 else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "thads@localhost")
SPECTACULAR_SETTINGS = {
    "TITLE": "THADS bank API",
    "DESCRIPTION": "Read the status of the enforcement cases in which your bank is the judgment creditor, the "
                   "dialogues your bank takes part in and their commitments; mark your own commitments done. "
                   "See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our own static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One named enum per code list, whatever the fields that use it are called (thads.api.schema reuses them
    # for the filters too).
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "banks.filters.API_STATUS_CHOICES",
        "SeizureStatusEnum": "cases.codes.SeizureStatus",
        "CategoryEnum": "cases.codes.Category",
        "OriginEnum": "cases.codes.Origin",
        "EventKindEnum": "cases.codes.EventKind",
        "PartyKindEnum": "cases.codes.PartyKind",
        "AssetKindEnum": "cases.codes.AssetKind",
        "LandTypeEnum": "cases.codes.LandType",
        "OwnerKindEnum": "cases.codes.OwnerKind",
        "ValuationMethodEnum": "cases.codes.ValuationMethod",
        "RoundOutcomeEnum": "cases.codes.RoundOutcome",
        "AuctionClosureEnum": "cases.codes.AuctionClosure",
        "ClaimRankEnum": "cases.codes.ClaimRank",
        "DistributionSourceEnum": "cases.codes.DistributionSource",
        "ChangeKindEnum": "banks.api.serializers.CHANGE_KINDS",
        "CollateralKindEnum": "banks.models.Collateral.Kind",
        "ApiScopeEnum": "banks.models.ApiScope",
        "RateLimitWindowEnum": "banks.api.serializers.RATE_WINDOWS",
        "NoticeKindEnum": "banks.models.BankNotice.Kind",
        "WebhookStatusEnum": "banks.api.webhooks.WEBHOOK_STATUSES",
        "SessionStatusEnum": "dialogues.models.SessionStatus",
        "ReasonEnum": "dialogues.models.Reason",
        "IssueCategoryEnum": "dialogues.models.IssueCategory",
        "CommitmentPartyEnum": "dialogues.models.CommitmentParty",
        "CommitmentKindEnum": "dialogues.models.CommitmentKind",
        "CommitmentStatusEnum": "dialogues.models.CommitmentStatus",
    },
    "DEFAULT_GENERATOR_CLASS": "thads.api.schema.BilingualSchemaGenerator",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "thads.api.schema.postprocess"],
    "SERVERS": [{"url": "/api/v1", "description": "This server (paths are relative to /api/v1)."}],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
}

# Throttle counters live in the cache: Redis when configured (shared by every web worker), else local memory.
# When Redis stops answering, the cache falls back to each process's memory and says so in the log
# (thads.core.cache); short socket timeouts keep a dead Redis from stalling requests.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "thads.core.cache.FallbackRedisCache",
                          "LOCATION": os.environ["REDIS_URL"],
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: REDIS_URL set → a real broker and result backend; unset → tasks run in-process, so the
# demo and the fast test run need no Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 30 * 60
CELERY_TASK_TIME_LIMIT = 35 * 60
CELERY_TASK_DEFAULT_QUEUE = "default"
# A broker that does not answer is known within seconds (not minutes): see thads.core.broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_TASK_ROUTES = {
    "reports.tasks.export_form": {"queue": "exports"},  # the official forms (an exact name wins over the glob)
    "reports.tasks.sweep_stale_jobs": {"queue": "default"},  # never behind a long refresh on "stats"
    "reports.tasks.*": {"queue": "stats"},
}

# Jobs that survive their worker (docs/operations.md "When a service stops"). The job tasks are acks_late and
# reject_on_worker_lost: a message is removed from Redis only once its task has finished. A message whose worker
# died unacknowledged goes back to the queue after the visibility timeout: above the hard time limit (35 min), so
# a job still running is never handed to a second worker, and well under Redis's default of one hour.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(CELERY_TASK_TIME_LIMIT + 5 * 60)))
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(f"CELERY_VISIBILITY_TIMEOUT ({CELERY_VISIBILITY_TIMEOUT} s) must exceed the task "
                               f"hard time limit ({CELERY_TASK_TIME_LIMIT} s), or a running job is run twice.")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {}
if os.environ.get("CELERY_KEY_PREFIX"):
    # Every Redis key of the broker and results starts with this (tests: one prefix per run, so concurrent runs
    # sharing a Redis database never take each other's messages).
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = os.environ["CELERY_KEY_PREFIX"]
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS["global_keyprefix"] = os.environ["CELERY_KEY_PREFIX"]
# A statistics job (reports.models.StatsJob) records a sign of life (heartbeat_at) every
# STATS_JOB_HEARTBEAT_SECONDS from a thread of its worker, and at each step of progress (at most once a second).
# A pending or running job silent for STATS_JOB_STALE_SECONDS is stale: reports.services.jobs_sweep_stale queues it
# again, up to STATS_JOB_MAX_ATTEMPTS starts, then marks it failed (the sweep runs when a worker starts, every
# minute from beat, and before a refresh is requested from the dashboard).
STATS_JOB_HEARTBEAT_SECONDS = float(os.environ.get("STATS_JOB_HEARTBEAT_SECONDS", "10"))
STATS_JOB_HEARTBEAT_THREAD = True
STATS_JOB_STALE_SECONDS = float(os.environ.get("STATS_JOB_STALE_SECONDS", "300"))
STATS_JOB_MAX_ATTEMPTS = int(os.environ.get("STATS_JOB_MAX_ATTEMPTS", "3"))
if STATS_JOB_STALE_SECONDS < 3 * STATS_JOB_HEARTBEAT_SECONDS or STATS_JOB_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("STATS_JOB_STALE_SECONDS must be at least 3 × STATS_JOB_HEARTBEAT_SECONDS, and "
                               "STATS_JOB_MAX_ATTEMPTS at least 1.")
# Tests only (never set in production): seconds the refresh sleeps after each unit, so that a test can kill a
# worker in the middle of a job deterministically.
STATS_REFRESH_TEST_DELAY = float(os.environ.get("THADS_TEST_REFRESH_UNIT_DELAY", "0") or 0)
# The beat schedule is declared in thads/celery.py, one commented entry per job.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes logs every failed log-in at INFO; its lockouts (WARNING) are what an operator needs.
    "loggers": {"axes": {"level": "WARNING"}},
}
