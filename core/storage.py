"""What a failing media storage raises: the local disk (OSError) or S3-compatible object storage (botocore).

A missing file is FileNotFoundError on both (django-storages turns S3's 404 into it). Everything else from
S3 (endpoint down, timeouts, throttling) passes; callers retry or answer "try again" instead of a 500.
"""

from botocore.exceptions import BotoCoreError, ClientError

STORAGE_ERRORS: tuple[type[Exception], ...] = (OSError, BotoCoreError, ClientError)
