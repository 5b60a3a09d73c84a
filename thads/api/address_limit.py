"""A rate limit per client address on bank-API requests that fail authentication (no key, a wrong or revoked
key): after ``API_THROTTLE_UNAUTHENTICATED`` refusals (401) in a window, the address is answered 429 without the
key being looked up, until the window ends. Requests with a valid key are limited per key instead
(thads.api.throttles) and never count here. Counters live in the cache (shared by the web workers through
Redis; per worker while Redis is down, thads.core.cache)."""
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger("thads.api")
API_PREFIX = "/api/"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_address(request) -> str:
    """REMOTE_ADDR, or the address the last of DJANGO_TRUSTED_PROXY_COUNT trusted proxies saw."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "-"


def limit() -> tuple[int, int] | None:
    rate = settings.API_THROTTLE_UNAUTHENTICATED
    if not rate:
        return None
    number, period = rate.split("/")
    return int(number), PERIODS[period[0]]


class UnauthenticatedApiLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rate = limit()
        if rate is None or not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        allowed, seconds = rate
        now = time.time()
        start = int(now // seconds) * seconds
        key = f"api-unauth:{client_address(request)}:{start}"
        if (cache.get(key) or 0) >= allowed:
            wait = max(1, math.ceil(start + seconds - now))
            logger.warning("api unauthenticated limit reached address=%s", client_address(request))
            response = JsonResponse({"error": {"code": "throttled", "message": _(
                "Too many requests without a valid API key from this address. Try again in %(wait)s seconds.") % {
                "wait": wait}}}, status=429)
            response["Retry-After"] = str(wait)
            return response
        response = self.get_response(request)
        if response.status_code == 401:
            cache.add(key, 0, timeout=seconds + 60)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=seconds + 60)
        return response
