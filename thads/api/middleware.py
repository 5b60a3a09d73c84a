"""Every request under /api/: a request id, the reader's language, JSON errors, one log line.

- ``X-Request-Id``: the caller's own id when it sends a sane one (a proxy's), else a new one; it is in the
  response header, in every error body and in the request's log line.
- Language: the API follows ``Accept-Language`` (Vietnamese or English; Vietnamese when neither is asked for),
  unlike the pages (thads.core.middleware.LanguageMiddleware), whose readers are the agency's staff.
- Whatever answers an /api/ path with an error that is not already JSON — an unknown path, a server error, a
  CSRF refusal — is answered in the API's one error shape instead (thads.api.exceptions)."""
import logging
import re
import time
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from thads.api.exceptions import error_response

logger = logging.getLogger("thads.api")
API_PREFIX = "/api/"
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def api_language(header: str) -> str:
    """The first of the API's languages the Accept-Language header asks for, by preference; else the default."""
    supported = {code for code, _name in settings.LANGUAGES}
    try:
        preferences = parse_accept_lang_header(header[:500])
    except ValueError:
        preferences = ()
    for tag, _quality in preferences:
        language = tag.split("-")[0].lower()
        if language in supported:
            return language
    return settings.LANGUAGE_CODE


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        started = time.perf_counter()
        sent = request.headers.get("X-Request-Id", "")
        request.request_id = sent if REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        language = api_language(request.headers.get("Accept-Language", ""))
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            response = error_response(response.status_code, request.request_id)
        response["X-Request-Id"] = request.request_id
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        principal = getattr(request, "api_principal", None)
        bank = getattr(getattr(principal, "bank", None), "code", "-")
        key = getattr(getattr(principal, "key", None), "prefix", "-")
        elapsed = (time.perf_counter() - started) * 1000
        logger.log(logging.ERROR if response.status_code >= 500 else logging.INFO,
                   "api %s %s %s bank=%s key=%s %.1fms request_id=%s", request.method, request.get_full_path(),
                   response.status_code, bank, key, elapsed, request.request_id)
        return response

    def process_exception(self, request, exception):
        """An exception no view handled: logged with the request id, answered as a JSON 500 (no debug page)."""
        if not request.path_info.startswith(API_PREFIX):
            return None
        logger.exception("api unhandled error request_id=%s", getattr(request, "request_id", "-"))
        return error_response(500, getattr(request, "request_id", None))
