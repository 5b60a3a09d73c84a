"""Errors of the API in one shape, whatever raised them:

    {"error": {"code": STABLE_CODE, "message": TEXT, "field": PARAMETER_OR_NULL, "request_id": ID}}

``message`` is in the request's language (thads.api.middleware: Accept-Language, Vietnamese by default);
``field`` names the one query parameter at fault, or is null; ``request_id`` is also the X-Request-Id header
and is in the server's log line for the request."""
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from thads.core.errors import DomainError


class InvalidParameter(exceptions.APIException):
    """One query parameter is malformed or out of range: 400 naming it."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_request"

    def __init__(self, field: str, message: str, code: str | None = None):
        self.field = field
        super().__init__(f"{field}: {message}", code or self.default_code)


class InvalidCursor(InvalidParameter):
    default_code = "invalid_cursor"


STATUS_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid_request",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "forbidden",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
    status.HTTP_500_INTERNAL_SERVER_ERROR: "server_error",
}


def status_message(status_code: int) -> str:
    """The message of an error that no view described (an unknown path, a server error), translated."""
    messages = {
        404: _("No such resource in the API. See /api/v1/docs/."),
        405: _("This method is not allowed here; see /api/v1/docs/ for the methods of each path."),
        500: _("Internal error; the request id identifies it in our logs."),
    }
    return messages.get(status_code, _("The request could not be served."))


def error_body(*, code: str, message: str, request_id: str | None, field: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "field": field, "request_id": request_id}}


def error_response(status_code: int, request_id: str | None, *, code: str | None = None,
                   message: str | None = None, field: str | None = None) -> JsonResponse:
    return JsonResponse(error_body(code=code or STATUS_CODES.get(status_code, "error"),
                                   message=message or status_message(status_code), request_id=request_id,
                                   field=field), status=status_code)


def _message(detail) -> str:
    if isinstance(detail, list):
        return "; ".join(_message(item) for item in detail)
    if isinstance(detail, dict):
        return "; ".join(f"{field}: {_message(value)}" for field, value in detail.items())
    return str(detail)


def _field(exc) -> str | None:
    field = getattr(exc, "field", None)
    if field:
        return field
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict) and len(exc.detail) == 1:
        (name,) = exc.detail
        return None if name in ("request", "non_field_errors") else name
    return None


def _own_message(exc, request) -> str | None:
    """Our words (and translations: DRF's Vietnamese catalogue lacks most) for DRF's generic refusals."""
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("No API key: send the header «Authorization: Bearer <key>».")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("The method %(method)s is not allowed here; see /api/v1/docs/ for the methods of each path.") % {
            "method": getattr(request, "method", "")}
    if isinstance(exc, exceptions.NotAcceptable):
        return _("The API answers only in JSON (Accept: application/json).")
    if isinstance(exc, exceptions.UnsupportedMediaType | exceptions.ParseError):
        return _("The request body could not be read.")
    if type(exc) is exceptions.PermissionDenied and exc.get_codes() == "permission_denied":
        return _("This key may not do this.")
    return None


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        exc = exceptions.ValidationError({exc.field or "request": exc.message}, code=exc.code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.NotAuthenticated):
        response.status_code = status.HTTP_401_UNAUTHORIZED
        response["WWW-Authenticate"] = "Bearer"
    code = STATUS_CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.APIException):
        detail_codes = exc.get_codes()
        if isinstance(detail_codes, str) and detail_codes not in ("invalid", "error", "not_found", "throttled"):
            code = detail_codes
        message = _own_message(exc, context.get("request")) or _message(exc.detail)
    else:
        message = _message(response.data)
    request = context.get("request")
    response.data = error_body(code=code, message=message, field=_field(exc),
                               request_id=getattr(request, "request_id", None))
    return response


class ApiError(exceptions.APIException):
    """A refusal with its own status and stable code (409 a state conflict, 422 a reused idempotency key…),
    naming the field at fault when there is one."""

    def __init__(self, status_code: int, code: str, message: str, field: str | None = None):
        self.status_code = status_code
        self.field = field
        super().__init__(message, code)
