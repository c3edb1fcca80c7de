"""Settings for a deployment (gunicorn, the Docker image, docker-compose's web, worker and beat).

Production-safe defaults: no secret key, no start; secure cookies; hashed static files.
"""

from .base import *  # noqa: F403
from .base import STORAGES, env

# GENERAL
# No default: a production process refuses to start without a secret key.
SECRET_KEY = env("DJANGO_SECRET_KEY")

# SECURITY
# No demo secrets: a missing or demo inbound-mail key, missing encryption keys or 'testserver' in
# ALLOWED_HOSTS stop the process (envoice/checks.py; `check --deploy` lists them).
ENVOICE_REFUSE_DEMO_SECRETS = True
ENVOICE_API_DOCS_REQUIRE_LOGIN = env.bool("ENVOICE_API_DOCS_REQUIRE_LOGIN", default=True)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0

# STATIC
if env.bool("ENVOICE_MANIFEST_STATIC", default=True):
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
