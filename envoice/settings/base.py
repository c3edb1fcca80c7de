"""Settings shared by every environment, read from the environment (django-environ).

`local.py` (manage.py, Celery and `make demo`), `production.py` (gunicorn and the Docker image) and
`test.py` (pytest) import this module and set only what differs: the secret key, cookie security,
the static files storage and the test defaults. Where a variable is absent that a developer machine
cannot be expected to have, the embedded default (SQLite, an embedded Celery transport, the console
mail backend) is used.
"""

from datetime import timedelta
from pathlib import Path

import environ
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=(BASE_DIR / ".env").exists()):
    env.read_env(str(BASE_DIR / ".env"))

# GENERAL
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# SECRET_KEY: each environment module sets it (production has no default and refuses to start).
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# production.py: a process without DEBUG refuses to start on the demo's secrets (envoice/checks.py).
ENVOICE_REFUSE_DEMO_SECRETS = False
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("ENVOICE_SITE_URL", default="http://127.0.0.1:8000")
TIME_ZONE = env("TIME_ZONE", default="Europe/Tallinn")
LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "anymail",
    "axes",
    "csp",
    "accounts",
    "audit",
    "bookkeeping",
    "documents",
    "extraction",
    "rules",
    "approvals",
    "scoro_sync",
    "publishing",
    "dashboard",
    "inbound",
    "lifecycle",
    "monitoring",
    "envoice",
]

MIDDLEWARE = [
    "core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "envoice.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.ActiveCompanyMiddleware",
    # Last: answers 429 for a log-in refused because its account or address is locked out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "envoice.urls"
WSGI_APPLICATION = "envoice.wsgi.application"

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
                "accounts.context_processors.active_company",
                "approvals.context_processors.pending_approvals",
            ],
        },
    },
]


# DATABASES
def database_settings(url: str) -> dict:
    """The `default` database for a DATABASE_URL (test.py builds its own from another default)."""
    database = environ.Env.db_url_config(url)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite is the embedded default for the demo; WAL and a busy timeout let the web process
        # and the Celery worker write to it at the same time.
        database.setdefault("OPTIONS", {}).update(
            {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
        )
    else:
        database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        database["CONN_HEALTH_CHECKS"] = True
    return database


DATABASES = {
    "default": database_settings(env("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'envoice.sqlite3'}"))
}


# CACHES: Redis when configured, otherwise a file cache shared by web and worker processes
def cache_settings(redis_url: str) -> dict:
    if redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }


REDIS_URL = env("REDIS_URL", default="")
CACHES = cache_settings(REDIS_URL)

# AUTH
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "documents:inbox"
LOGOUT_REDIRECT_URL = "accounts:login"
INVITATION_VALID_DAYS = env.int("ENVOICE_INVITATION_VALID_DAYS", default=7)

# STATIC AND MEDIA
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# production.py serves hashed, compressed static files (after collectstatic); elsewhere plain files.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def s3_storage(bucket: str) -> dict:
    """Originals, previews and attachments in S3-compatible object storage (django-storages), so web and
    workers may run on different hosts. docker-compose points it at its MinIO."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            # MinIO and most S3-compatible stores want path-style addresses (endpoint/bucket/key).
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
            "default_acl": None,  # private, as the bucket is: files reach people only through our views
            "file_overwrite": False,
        },
    }


if env("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = s3_storage(env("AWS_STORAGE_BUCKET_NAME"))

# EMAIL
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Envoice <noreply@envoice.local>")
ENVOICE_INBOUND_DOMAIN = env("ENVOICE_INBOUND_DOMAIN", default="in.envoice.local")
# The key the demo signs its sample inbound mail with; a process without DEBUG refuses it.
DEMO_MAILGUN_SIGNING_KEY = "demo-mailgun-signing-key"
ANYMAIL = {
    # The inbound webhook verifies the provider's signature; see README "Inbound e-mail".
    # No key, no webhook (it answers 404); local.py and test.py use the demo's key.
    "MAILGUN_WEBHOOK_SIGNING_KEY": env("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
    "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET", default=None),
}

# SECURITY
# Secure cookies, HTTPS redirect and HSTS are production.py's; local and test serve plain HTTP.
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Pages are never framed; the one view the review screen frames (a document's own PDF) opts in
# with @xframe_options_sameorigin.
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every response: scripts only from our own static files (no
# inline script or on…= handlers; static/js/forms.js does confirm and auto-submit), so injected markup
# cannot run. Inline style attributes stay allowed (htmx adds its indicator style too).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", "blob:"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Fernet key(s) that encrypt the Scoro API key at rest; the first one encrypts, all decrypt.
ENVOICE_FIELD_ENCRYPTION_KEYS = env.list("ENVOICE_FIELD_ENCRYPTION_KEYS", default=[])
# How many reverse proxies of ours stand in front of the app. Only that many X-Forwarded-For hops are
# believed; with none (the default) the header is ignored and REMOTE_ADDR is the client.
ENVOICE_TRUSTED_PROXY_COUNT = env.int("ENVOICE_TRUSTED_PROXY_COUNT", default=0)

# LOG-IN LIMITS (django-axes): failed log-ins counted per account and per address on the log-in
# form, /admin/ and the token endpoint; either one reaching the limit locks out for the cool-off.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env.int("ENVOICE_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ENVOICE_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# APPROVALS: default reminder delay (each workflow may set its own)
ENVOICE_APPROVAL_REMIND_AFTER_HOURS = env.int("ENVOICE_APPROVAL_REMIND_AFTER_HOURS", default=24)
# How long the approve / reject links in approval e-mails and the daily digest work (approvals/links.py)
ENVOICE_APPROVAL_LINK_MAX_AGE = env.int("ENVOICE_APPROVAL_LINK_MAX_AGE_HOURS", default=72) * 3600

# INTAKE
ENVOICE_MAX_UPLOAD_BYTES = env.int("ENVOICE_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
ENVOICE_MAX_PAGES = env.int("ENVOICE_MAX_PAGES", default=100)
ENVOICE_MAX_IMAGE_PIXELS = env.int("ENVOICE_MAX_IMAGE_PIXELS", default=60_000_000)
ENVOICE_EXTRACTION_TIME_LIMIT = env.int("ENVOICE_EXTRACTION_TIME_LIMIT", default=120)
ENVOICE_MAX_ZIP_FILES = env.int("ENVOICE_MAX_ZIP_FILES", default=50)
ENVOICE_MAX_ZIP_TOTAL_BYTES = env.int("ENVOICE_MAX_ZIP_TOTAL_BYTES", default=100 * 1024 * 1024)
ENVOICE_INBOUND_MAX_ATTACHMENTS = env.int("ENVOICE_INBOUND_MAX_ATTACHMENTS", default=20)
# Mailgun signs timestamp+token; an older signed request is a replay, not a retry.
ENVOICE_INBOUND_MAX_AGE_SECONDS = env.int("ENVOICE_INBOUND_MAX_AGE_SECONDS", default=15 * 60)
# Forwarded messages (.eml) inside forwarded messages are opened this many levels deep, no deeper.
ENVOICE_INBOUND_MAX_MESSAGE_DEPTH = env.int("ENVOICE_INBOUND_MAX_MESSAGE_DEPTH", default=3)
# Inline images smaller than this (bytes, or pixels on the longest side) are logos and signatures.
ENVOICE_INBOUND_MIN_INLINE_IMAGE_BYTES = env.int("ENVOICE_INBOUND_MIN_INLINE_IMAGE_BYTES", default=10 * 1024)
ENVOICE_INBOUND_MIN_INLINE_IMAGE_PX = env.int("ENVOICE_INBOUND_MIN_INLINE_IMAGE_PX", default=300)
# Invoice links in a body, fetched only for senders on the company's link allow-list (inbound/links.py),
# during the webhook request: at most this many, all of them within the time budget.
ENVOICE_INBOUND_MAX_LINKS = env.int("ENVOICE_INBOUND_MAX_LINKS", default=3)
ENVOICE_INBOUND_LINK_TIMEOUT_SECONDS = env.float("ENVOICE_INBOUND_LINK_TIMEOUT_SECONDS", default=8.0)
# Only the tests' local HTTP server: lets link fetching reach http:// on 127.0.0.1. Never in production.
ENVOICE_INBOUND_LINKS_ALLOW_LOOPBACK = False
# Replies to the sender of forwarded mail (inbound/replies.py): at most this many per sender and hour.
ENVOICE_INBOUND_REPLIES_PER_HOUR = env.int("ENVOICE_INBOUND_REPLIES_PER_HOUR", default=10)
# Documents left in received/extracting longer than this are queued again by the sweep.
ENVOICE_STUCK_AFTER_SECONDS = env.int("ENVOICE_STUCK_AFTER_SECONDS", default=120)

# CELERY
CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL",
    default=REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}",
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message for the next one
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 10 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True


def broker_transport_options(broker_url: str) -> dict:
    # Redis redelivers an unacknowledged task after the visibility timeout (a worker killed mid-task).
    # The SQLAlchemy transport hands its options to create_engine, so it gets none.
    return {"visibility_timeout": 3600} if broker_url.startswith(("redis", "rediss")) else {}


CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(CELERY_BROKER_URL)
# One queue per workload, so a batch of scans never holds publishing or the Scoro sync behind OCR.
# docker-compose runs a worker service per queue; `make demo` and the tests run one worker for all of them
# (a worker started without -Q consumes every queue listed here).
CELERY_TASK_QUEUES = [Queue(name) for name in ("extraction", "publishing", "scoro", "default")]
CELERY_TASK_DEFAULT_QUEUE = "default"  # previews, sweeps, approval e-mails and reminders
CELERY_TASK_ROUTES = {
    "extraction.tasks.*": {"queue": "extraction"},
    "publishing.tasks.*": {"queue": "publishing"},
    "scoro_sync.tasks.*": {"queue": "scoro"},
}
# The engine stops itself after ENVOICE_EXTRACTION_TIME_LIMIT (twice when learned hints re-read a document);
# these limits only catch a hang. The sweep waits the hard limit before it calls an extraction stuck.
ENVOICE_EXTRACTION_TASK_TIME_LIMIT = env.int(
    "ENVOICE_EXTRACTION_TASK_TIME_LIMIT", default=2 * ENVOICE_EXTRACTION_TIME_LIMIT + 60
)
CELERY_TASK_ANNOTATIONS = {
    "extraction.tasks.extract_document": {
        "soft_time_limit": ENVOICE_EXTRACTION_TASK_TIME_LIMIT - 15,
        "time_limit": ENVOICE_EXTRACTION_TASK_TIME_LIMIT,
    }
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
WORKER_HEARTBEAT_SECONDS = 10

# SCORO
SCORO_SANDBOX_URL = env("SCORO_SANDBOX_URL", default="")
# Allow a Scoro base URL on a loopback address (http too): the demo's and the tests' sandbox. Off in
# production, where the base URL must be https:// to a public address.
ENVOICE_SCORO_ALLOW_LOOPBACK = env.bool("ENVOICE_SCORO_ALLOW_LOOPBACK", default=False)
SCORO_TIMEOUT_SECONDS = env.float("SCORO_TIMEOUT_SECONDS", default=30.0)
SCORO_DAILY_CALL_BUDGET = env.int("SCORO_DAILY_CALL_BUDGET", default=10_000)

# PUBLISHING (publishing/services/): a worker's lease on an attempt outlives any single Scoro call
# (timeout + the client's longest backoff), so a run that takes over after a crash never races it.
PUBLISHING_LEASE_SECONDS = env.float("PUBLISHING_LEASE_SECONDS", default=2 * SCORO_TIMEOUT_SECONDS + 60)
PUBLISHING_RETRY_BASE_SECONDS = env.float("PUBLISHING_RETRY_BASE_SECONDS", default=10.0)
PUBLISHING_RETRY_MAX_SECONDS = env.float("PUBLISHING_RETRY_MAX_SECONDS", default=900.0)
PUBLISHING_MAX_RETRIES = env.int("PUBLISHING_MAX_RETRIES", default=8)
# After the task's retries, a transient failure waits and is resumed by the sweep: 5 min, doubling, ≤ 1 h.
PUBLISHING_RESUME_BASE_SECONDS = env.float("PUBLISHING_RESUME_BASE_SECONDS", default=300.0)
PUBLISHING_RESUME_MAX_SECONDS = env.float("PUBLISHING_RESUME_MAX_SECONDS", default=3600.0)
PUBLISHING_CLIENT_RETRIES = env.int(
    "PUBLISHING_CLIENT_RETRIES", default=3
)  # per run; the task retries on top
SCORO_MAX_RETRIES = env.int("SCORO_MAX_RETRIES", default=5)  # per call, inside the client
SCORO_RETRY_BACKOFF_SECONDS = env.float("SCORO_RETRY_BACKOFF_SECONDS", default=0.5)

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.permissions.IsCompanyMember"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "envoice.api_exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": env("ENVOICE_LOGIN_RATE", default="10/min")},
    "NUM_PROXIES": ENVOICE_TRUSTED_PROXY_COUNT,
}
# /api/schema/ and /api/docs/ for logged-in users only (production.py turns it on).
ENVOICE_API_DOCS_REQUIRE_LOGIN = env.bool("ENVOICE_API_DOCS_REQUIRE_LOGIN", default=False)
SPECTACULAR_SETTINGS = {
    "TITLE": "Envoice API",
    "DESCRIPTION": "Intake, review, approval and publishing of bills and receipts to Scoro.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DocumentTypeEnum": "documents.choices.DocumentType",
        "DocumentStatusEnum": "documents.choices.DocumentStatus",
        "DocumentSourceEnum": "documents.choices.DocumentSource",
        "ExpenseReportStatusEnum": "documents.choices.ExpenseReportStatus",
    },
}

# MONITORING: /metrics answers a scraper presenting this bearer token (or a staff session).
ENVOICE_METRICS_TOKEN = env("ENVOICE_METRICS_TOKEN", default="")
# Where every process adds its counters and histograms (core.metrics); empty: each process alone.
ENVOICE_METRICS_REDIS_URL = env("ENVOICE_METRICS_REDIS_URL", default=REDIS_URL)


# LOGGING: one JSON object a line (with request_id / task_id), or plain lines for a developer's console.
def logging_settings(log_format: str) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "core.logs.ContextFilter"}},
        "formatters": {
            "json": {"()": "core.logs.JsonFormatter"},
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s%(task_id)s] %(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["context"]}
        },
        "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }


LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = logging_settings(LOG_FORMAT)
