"""Loaded with `-p tests.env_setup` (pyproject) before Django is configured: test-only environment."""

import os

os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
os.environ.setdefault("ENVOICE_MANIFEST_STATIC", "0")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/envoice")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
