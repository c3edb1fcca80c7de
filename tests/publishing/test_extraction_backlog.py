"""A queue per workload: a publish is not held behind a backlog of OCR (real workers on Redis)."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image, ImageDraw

from documents.choices import DocumentStatus
from documents.models import Document
from envoice.celery import app
from extraction.tasks import extract_document
from monitoring.selectors import queue_depths
from publishing.services import publish_document
from tests.factories import DocumentFactory
from tests.publishing.conftest import wait_for, wait_published

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
BACKLOG = 12


def scanned_page() -> bytes:
    """A full-page scan: OCR takes seconds, so a dozen of them is a real backlog."""
    image = Image.new("L", (2480, 3508), "white")
    draw = ImageDraw.Draw(image)
    lines = ["Supplier OU", "Invoice no: SCAN-0042", "Date: 05.03.2025", ""]
    lines += [f"Item {i} delivered to the site        {i}.00" for i in range(1, 40)]
    lines += ["", "Total EUR 780.00"]
    for i, text in enumerate(lines):
        draw.text((120, 150 + i * 70), text, fill="black", font_size=44)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def test_an_extraction_backlog_does_not_delay_a_publish(
    broker_mode, company, connection, make_document, accountant
):
    broker_mode.stop_all()  # the shared worker serves every queue; here each workload gets its own
    try:
        extraction = broker_mode.start("extraction", queues=["extraction"])
        broker_mode.start("publishing", queues=["publishing"])
        page = scanned_page()
        scans = [
            DocumentFactory(company=company, status=DocumentStatus.RECEIVED, content=page,
                            filename=f"scan-{n}.png", content_type="image/png", type="purchase_invoice")
            for n in range(BACKLOG)
        ]  # fmt: skip
        for scan in scans:
            extract_document.delay(scan.pk)
        wait_for(lambda: Document.objects.filter(status=DocumentStatus.EXTRACTING).exists(),
                 timeout=30, message="OCR to start")  # fmt: skip

        document = make_document()
        started = time.monotonic()
        publish_document(document=document, actor=accountant)
        assert wait_published(document, timeout=30).status == "published"
        took = time.monotonic() - started

        waiting = queue_depths()["extraction"]
        unread = Document.objects.filter(pk__in=[s.pk for s in scans], status=DocumentStatus.RECEIVED).count()
        # Published while most of the scans still wait for OCR: the publish did not queue behind them.
        assert waiting >= BACKLOG - 4 and unread >= BACKLOG - 4, (waiting, unread, took)
        assert extraction.alive
    finally:
        broker_mode.kill_all()  # no need to wait for the OCR under way
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge("extraction")
