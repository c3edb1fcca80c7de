"""Settings for a developer machine and `make demo` (the default of manage.py and Celery).

Plain HTTP on 127.0.0.1, DEBUG off unless DJANGO_DEBUG=1, a development secret key unless one is set.
"""

from .base import *  # noqa: F403
from .base import ANYMAIL, DEMO_MAILGUN_SIGNING_KEY, env, logging_settings

# GENERAL
# Off unless asked for (DJANGO_DEBUG=1): debug pages show settings and paths to whoever hits an error.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# runserver serves no static files without DEBUG; WhiteNoise serves them from the apps' folders.
WHITENOISE_USE_FINDERS = True
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key")

# LOGGING: plain lines on a developer's console
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = logging_settings(LOG_FORMAT)

# The demo's inbound webhook key (README, Inbound e-mail); never accepted by production.py.
ANYMAIL = {
    **ANYMAIL,
    "MAILGUN_WEBHOOK_SIGNING_KEY": env("MAILGUN_WEBHOOK_SIGNING_KEY", default=DEMO_MAILGUN_SIGNING_KEY),
}

# The Scoro sandbox listens on 127.0.0.1 over plain HTTP.
ENVOICE_SCORO_ALLOW_LOOPBACK = env.bool("ENVOICE_SCORO_ALLOW_LOOPBACK", default=True)
