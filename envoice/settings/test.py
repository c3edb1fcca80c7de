"""With these settings, tests run hermetic and fast (pytest's DJANGO_SETTINGS_MODULE, pyproject).

Tasks run eagerly unless a test starts a real worker (tests/worker_fixtures.py turns that off in the
worker's environment); the database and Redis default to the ones `make test` uses.
"""

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    ANYMAIL,
    DEMO_MAILGUN_SIGNING_KEY,
    broker_transport_options,
    cache_settings,
    database_settings,
    env,
)

# GENERAL
SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-secret-key-not-for-production")

# DATABASES AND CACHES
DATABASES = {
    "default": database_settings(env("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/envoice"))
}
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/15")
CACHES = cache_settings(REDIS_URL)
ENVOICE_METRICS_REDIS_URL = env("ENVOICE_METRICS_REDIS_URL", default=REDIS_URL)

# PASSWORDS: a fast hasher (users are created by the hundred)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# EMAIL
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# CELERY
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# The test client's host name, and the demo's inbound webhook key.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
ANYMAIL = {
    **ANYMAIL,
    "MAILGUN_WEBHOOK_SIGNING_KEY": env("MAILGUN_WEBHOOK_SIGNING_KEY", default=DEMO_MAILGUN_SIGNING_KEY),
}

# The Scoro sandbox listens on 127.0.0.1 over plain HTTP.
ENVOICE_SCORO_ALLOW_LOOPBACK = env.bool("ENVOICE_SCORO_ALLOW_LOOPBACK", default=True)
