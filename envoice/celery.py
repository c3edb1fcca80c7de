"""The Celery app. Configuration comes from Django settings under the CELERY_ namespace."""

import os
from logging.config import dictConfig

from celery import Celery, signals
from celery.schedules import crontab
from django.conf import settings

from core import logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envoice.settings.local")

app = Celery("envoice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "sweep-stuck-documents": {"task": "documents.tasks.sweep_stuck_documents", "schedule": 120.0},
    "scoro-daily-sync": {"task": "scoro_sync.tasks.sync_due_companies", "schedule": crontab(minute="*/30")},
    "scoro-daily-reconcile": {
        "task": "publishing.tasks.publish_reconcile_all",
        "schedule": crontab(hour=3, minute=0),
    },
    "publishing-sweep": {"task": "publishing.tasks.publish_sweep", "schedule": 300.0},
    "approval-reminders": {"task": "approvals.tasks.send_reminders", "schedule": crontab(minute=0)},
    # 07:30 in CELERY_TIMEZONE (the site's); a second run the same day sends nothing (approvals/digest.py).
    "approval-daily-digest": {
        "task": "approvals.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=30),
    },
}


@signals.worker_ready.connect
def _start_worker_heartbeat(**_kwargs) -> None:
    from envoice.health import start_heartbeat_thread  # health imports this module's app (a cycle)

    start_heartbeat_thread()


@signals.setup_logging.connect
def _logging_from_django_settings(**_kwargs) -> None:
    """Workers log like the web processes (settings.LOGGING: JSON lines with the task id), not Celery's way."""
    dictConfig(settings.LOGGING)


signals.before_task_publish.connect(logs.task_message_headers, weak=False)
signals.task_prerun.connect(logs.task_started, weak=False)
signals.task_postrun.connect(logs.task_finished, weak=False)
