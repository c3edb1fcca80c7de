"""Reads about extraction for the review screen."""

from __future__ import annotations

from extraction.models import ExtractionRun


def extraction_run_latest(*, document) -> ExtractionRun | None:
    return ExtractionRun.objects.filter(document=document).first()
