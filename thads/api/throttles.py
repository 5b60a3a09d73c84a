"""Per-key rate limits in fixed windows: a burst window (a minute by default) and a sustained one (a day).

Each window is a counter in the cache (Redis when configured, so every web worker shares it), keyed by the key
and the window's start (``floor(now / length) * length``, in Unix time). A request takes one unit from every
window at once; if any is spent it gives them back and is refused with 429. A request that ends in 304 gives its
unit back too: revalidating costs nothing. ``Retry-After`` is the time until the spent window ends, rounded up,
so a client that waits it is served. Rates: settings REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
(``bank_burst``, ``bank_sustained``; API_THROTTLE_BURST / API_THROTTLE_SUSTAINED in the environment)."""
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext
from rest_framework import exceptions

from thads.core.cache import count_up

SCOPES = ("bank_burst", "bank_sustained")
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Window:
    name: str
    limit: int
    seconds: int


def windows() -> list[Window]:
    rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    found = []
    for scope in SCOPES:
        rate = rates.get(scope)
        if rate:
            number, period = rate.split("/")
            found.append(Window(scope.removeprefix("bank_"), int(number), PERIODS[period[0]]))
    return found


class RateLimited(exceptions.Throttled):
    def __init__(self, wait: int, window: Window):
        message = ngettext("Too many requests: this key's limit of %(limit)s requests per %(seconds)s seconds is "
                           "reached. Try again in %(wait)s second.",
                           "Too many requests: this key's limit of %(limit)s requests per %(seconds)s seconds is "
                           "reached. Try again in %(wait)s seconds.", wait) % {
            "limit": window.limit, "seconds": window.seconds, "wait": wait}
        super().__init__(detail=message)
        self.wait = wait


class KeyRateLimit:
    """The limits of one key at one moment (``now``, Unix seconds; time.time() by default)."""

    def __init__(self, key_id: int, now: float | None = None):
        self.key_id = key_id
        self.now = time.time() if now is None else now
        self.windows = windows()
        self.counts: dict[str, int] = {}
        self.taken = False

    def _cache_key(self, window: Window) -> str:
        return f"api-rate:{self.key_id}:{window.name}:{self._start(window)}"

    def _start(self, window: Window) -> int:
        return int(self.now // window.seconds) * window.seconds

    def reset_in(self, window: Window) -> int:
        """Whole seconds until ``window`` starts again (at least 1)."""
        return max(1, math.ceil(self._start(window) + window.seconds - self.now))

    def take(self) -> None:
        """Take one unit from every window, or raise RateLimited (and take none)."""
        counters = [(self._cache_key(window), window.seconds + 60) for window in self.windows]
        counts = dict(zip([window.name for window in self.windows], count_up(cache, counters), strict=True))
        self.counts = counts
        spent = [window for window in self.windows if counts[window.name] > window.limit]
        if spent:
            self._give_back()
            binding = max(spent, key=self.reset_in)
            raise RateLimited(self.reset_in(binding), binding)
        self.taken = True

    def peek(self) -> None:
        """Read the counters without taking anything (a request refused before its turn came, e.g. 403)."""
        stored = cache.get_many([self._cache_key(window) for window in self.windows])
        self.counts = {window.name: int(stored.get(self._cache_key(window), 0)) for window in self.windows}

    def give_back(self) -> None:
        """Return the unit a request took (it ended in 304)."""
        if self.taken:
            self._give_back()
            self.taken = False

    def _give_back(self) -> None:
        for window in self.windows:
            try:
                self.counts[window.name] = cache.decr(self._cache_key(window))
            except ValueError:
                self.counts[window.name] = 0

    def headers(self) -> dict[str, str]:
        """X-RateLimit-* of the window closest to being spent; X-RateLimit-Policy lists every window."""
        if not self.windows:
            return {}

        def remaining(window: Window) -> int:
            return max(0, window.limit - self.counts.get(window.name, 0))

        def closeness(window: Window) -> tuple[int, int]:
            # fewest left first; among spent windows the one that ends last (the time until a request is served)
            left = remaining(window)
            return left, (-self.reset_in(window) if left == 0 else self.reset_in(window))

        binding = min(self.windows, key=closeness)
        return {"X-RateLimit-Limit": str(binding.limit), "X-RateLimit-Remaining": str(remaining(binding)),
                "X-RateLimit-Reset": str(self.reset_in(binding)),
                "X-RateLimit-Policy": ", ".join(f"{w.limit};w={w.seconds}" for w in self.windows)}

    def describe(self) -> list[dict]:
        """The windows with what is left of them now (for GET /api/v1/me)."""
        return [{"name": window.name, "limit": window.limit, "window_seconds": window.seconds,
                 "remaining": max(0, window.limit - self.counts.get(window.name, 0)),
                 "reset_seconds": self.reset_in(window)} for window in self.windows]

