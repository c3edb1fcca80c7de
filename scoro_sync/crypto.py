"""Encryption at rest for secrets such as the Scoro API key (Fernet, keys from settings)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    keys = list(settings.ENVOICE_FIELD_ENCRYPTION_KEYS)
    if not keys:
        # Derived from SECRET_KEY so a development setup works without an extra variable;
        # production sets ENVOICE_FIELD_ENCRYPTION_KEYS (README, "Configuration").
        keys = [base64.urlsafe_b64encode(hashlib.sha256(settings.SECRET_KEY.encode()).digest()).decode()]
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("The stored secret cannot be decrypted with the configured keys.") from exc
