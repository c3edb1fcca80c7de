"""Helpers shared by the inbound tests: a signed webhook post and mail shapes."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from tests.inbound.test_mailgun_webhook import mailgun_post


@pytest.fixture
def deliver(client, settings, django_capture_on_commit_callbacks):
    """deliver(**mailgun_post kwargs) → (response, InboundMessage token); on-commit work (extraction,
    the reply task) runs, as it would after the webhook's transaction."""

    def do(**kwargs):
        with django_capture_on_commit_callbacks(execute=kwargs.pop("execute", True)):
            return mailgun_post(client, settings, **kwargs)

    return do


def photo(size=(900, 700)) -> bytes:
    """A JPEG of noise: big in bytes and pixels, like a phone photo of a receipt."""
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
