"""Originals, previews and attachments in S3-compatible storage (moto's S3 server over real HTTP).

The worker gets the bucket and an empty MEDIA_ROOT of its own: it shares no disk with the web process,
as on two hosts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from documents.coding.bulk import document_delete
from documents.models import Document
from envoice.settings.base import s3_storage
from publishing.services import attachment_add
from tests.factories import make_document
from tests.lifecycle.helpers import wait_for
from tests.samples import pdf

BUCKET = "envoice-media"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "envoice-test", "AWS_SECRET_ACCESS_KEY": "envoice-test-secret"}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_server, settings, monkeypatch, tmp_path):
    """The default storage is the bucket (created empty); returns {key: bytes} of what it holds."""
    env = {**CREDENTIALS, "AWS_S3_ENDPOINT_URL": s3_server, "AWS_S3_REGION_NAME": "us-east-1"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1",
                          aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(BUCKET)}
    settings.MEDIA_ROOT = tmp_path / "web-media"

    def objects() -> dict[str, bytes]:
        listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        return {i["Key"]: client.get_object(Bucket=BUCKET, Key=i["Key"])["Body"].read() for i in listed}

    objects.env = {**env, "AWS_STORAGE_BUCKET_NAME": BUCKET}
    return objects


def files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_worker_without_the_web_disk_extracts_and_previews_from_the_bucket(
    s3, broker_mode, api_client_for, accountant, client, settings, tmp_path
):
    broker_mode.stop_all()  # only the worker that knows the bucket may take the tasks
    worker_media, web_media = tmp_path / "worker-media", tmp_path / "web-media"
    settings.MEDIA_ROOT = web_media  # (broker_mode gave it the session workers' folder)
    try:
        broker_mode.start("s3", MEDIA_ROOT=str(worker_media), **s3.env)
        original = pdf()
        response = api_client_for(accountant).post(
            "/api/v1/documents/", {"file": SimpleUploadedFile("invoice.pdf", original)}, format="multipart"
        )
        assert response.status_code == 201, response.content
        document = Document.objects.get(pk=response.json()["id"])
        wait_for(lambda: Document.objects.get(pk=document.pk).status == "to_review" and document.pages.exists(),
                 timeout=60, what="extraction and previews by the worker")  # fmt: skip
        document.refresh_from_db()
        assert document.fields["invoice_number"] == "INV-2024-001"  # read from the bucket's bytes

        stored = s3()
        assert stored[document.original.name] == original
        page = document.pages.get(number=1)
        assert stored[page.image.name].startswith(b"\x89PNG")

        # The web process serves both from the bucket.
        api = api_client_for(accountant)
        assert b"".join(api.get(f"/api/v1/documents/{document.pk}/file/").streaming_content) == original
        client.force_login(accountant)
        image = client.get(f"/documents/{document.pk}/pages/1/")
        assert image.status_code == 200 and b"".join(image.streaming_content) == stored[page.image.name]

        # Nothing was written to either local disk.
        assert files_under(worker_media) == [] and files_under(web_media) == []
    finally:
        broker_mode.kill_all()


@pytest.mark.django_db
def test_attachments_and_deletes_go_to_the_bucket(
    s3, accountant, company, django_capture_on_commit_callbacks, settings
):
    document = make_document(company)
    attachment = attachment_add(document=document, name="delivery note.pdf", content=b"%PDF-1.4 note",
                                actor=accountant)  # fmt: skip
    assert s3()[attachment.file.name] == b"%PDF-1.4 note"
    with attachment.file.open("rb") as fh:
        assert fh.read() == b"%PDF-1.4 note"

    original = document.original.name
    assert original in s3()
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=document, actor=accountant)
    assert original not in s3()
    assert files_under(Path(settings.MEDIA_ROOT)) == []


@pytest.mark.django_db
def test_a_missing_original_is_not_found_not_a_server_error(s3, accountant, company, api_client_for, client):
    document = make_document(company)
    document.original.storage.delete(document.original.name)
    assert api_client_for(accountant).get(f"/api/v1/documents/{document.pk}/file/").status_code == 404
    client.force_login(accountant)
    assert client.get(f"/documents/{document.pk}/original/").status_code == 404
