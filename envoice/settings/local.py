"""Settings for a developer machine and `make demo` (the default of manage.py and Celery).

Plain HTTP on 127.0.0.1, DEBUG on, a development secret key unless one is set.
"""

from .base import *  # noqa: F403
from .base import env, logging_settings

# GENERAL
DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key")

# LOGGING: plain lines on a developer's console
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = logging_settings(LOG_FORMAT)
