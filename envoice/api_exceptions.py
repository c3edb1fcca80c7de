from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import ApplicationError


def _first_error(errors, path: str = "") -> str:
    """ "fields.total: Ensure …" — the first field error of a DRF error tree, with where it is."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            found = _first_error(value, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if isinstance(value, (dict, list)):
                found = _first_error(value, f"{path}[{index}]")
                if found:
                    return found
            elif value:
                return f"{path}: {value}" if path and path != "non_field_errors" else str(value)
    elif errors:
        return f"{path}: {errors}" if path else str(errors)
    return ""


def api_exception_handler(exc, context):
    """DRF's handler, plus service errors as {"detail": message, ...extra} with their status code.
    Field errors keep DRF's shape ({"field": ["why"]}) and gain a one-line `detail` naming the field."""
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, **exc.extra}, status=exc.status_code)
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        if isinstance(response.data, dict) and "detail" not in response.data:
            response.data = {"detail": _first_error(response.data), **response.data}
        elif isinstance(response.data, list):
            response.data = {"detail": _first_error(response.data), "errors": response.data}
    return response
