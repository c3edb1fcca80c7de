import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

# The Redis fault test publishes ready documents too (a company connected to the sandbox, its coding).
from tests.publishing.conftest import coding, connection, make_document  # noqa: F401 (fixtures)


@pytest.fixture
def upload(api_client_for, django_capture_on_commit_callbacks):
    """upload(user, data, name, **fields) → the API response; on_commit callbacks (tasks) run."""

    def do(user, data: bytes, name: str = "invoice.pdf", *, company=None, execute=True, **fields):
        client = api_client_for(user, company)
        with django_capture_on_commit_callbacks(execute=execute):
            return client.post(
                "/api/v1/documents/",
                {"file": SimpleUploadedFile(name, data), **fields},
                format="multipart",
            )

    return do
