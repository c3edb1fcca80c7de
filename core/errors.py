"""Application errors raised by services; the API and views turn them into clear answers."""


class ApplicationError(Exception):
    status_code = 400

    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class InvalidTransition(ApplicationError):
    status_code = 409


class NotPermitted(ApplicationError):
    status_code = 403


class ValidationFailed(ApplicationError):
    status_code = 400


class StaleVersion(ApplicationError):
    """The client's `version` is not the object's: someone else changed it in between."""

    status_code = 409
