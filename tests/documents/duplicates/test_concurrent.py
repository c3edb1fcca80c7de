"""Both arrive together: the XML and the PDF of one invoice are read at the same moment by two workers
(threads with their own database connections, real commits). Whatever the interleaving, they end as one
pair, and no check fails on the way."""

from __future__ import annotations

import logging
import threading

import pytest
from django.db import connection

from documents.models import DuplicatePair
from extraction import services as extraction
from tests.documents.duplicates.conftest import invoice_pdf
from tests.factories import CompanyFactory
from tests.samples import ubl

pytestmark = pytest.mark.django_db(transaction=True)


def _in_parallel(*jobs) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(job):
        try:
            job()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.parametrize("meet_at", ["_store_outcome", "duplicates_check"])
def test_xml_and_pdf_read_at_the_same_moment_are_one_pair(receive, monkeypatch, caplog, meet_at):
    """`_store_outcome`: both store their values at once, then check. `duplicates_check`: both have
    stored and both check at once (each would see the other and write the same pair)."""
    company = CompanyFactory()
    xml = receive(company, ubl(number="INV-2024-007"), "invoice.xml")
    pdf = receive(company, invoice_pdf(), "invoice.pdf")
    barrier = threading.Barrier(2, timeout=60)
    real = getattr(extraction, meet_at)

    def meet(*args, **kwargs):
        barrier.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(extraction, meet_at, meet)
    caplog.set_level(logging.ERROR)

    errors = _in_parallel(
        lambda: extraction.extraction_run(document_id=xml.pk),
        lambda: extraction.extraction_run(document_id=pdf.pk),
    )

    assert errors == []
    assert not [r for r in caplog.records if "Duplicate check" in r.getMessage()]
    [pair] = DuplicatePair.objects.filter(company=company)
    assert (pair.first_id, pair.second_id, pair.reasons) == (xml.pk, pdf.pk, ["same_number_total"])
