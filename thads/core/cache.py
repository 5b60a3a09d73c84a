"""The cache when Redis is configured: Redis, but a Redis that stops answering does not take the site down.

The cache holds only counters and memos that can be lost (the bank API's rate limits, the unauthenticated-request
limit). When a Redis call fails (connection refused, timeout) the call is answered by a local in-memory cache of
this process instead, a warning is logged (once per outage), and Redis is tried again after
``RETRY_SECONDS``. While Redis is down the rate limits are therefore counted per web worker — looser by the
number of workers, never absent — and they are shared again as soon as Redis answers. See docs/operations.md."""
import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("thads.cache")
RETRY_SECONDS = 30
FAILURES = (RedisError, OSError)


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(f"thads-fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0
        self._down = False

    @property
    def degraded(self) -> bool:
        """True while calls are answered by the local fallback."""
        return self._down and time.monotonic() < self._down_until

    def _call(self, name, *args, **kwargs):
        if self.degraded:
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            result = getattr(RedisCache, name)(self, *args, **kwargs)
        except FAILURES as error:
            if not self._down:
                logger.warning("cache: Redis unreachable (%s: %s); using this process's memory, retrying every "
                               "%s s", type(error).__name__, error, RETRY_SECONDS)
            self._down, self._down_until = True, time.monotonic() + RETRY_SECONDS
            return getattr(self._fallback, name)(*args, **kwargs)
        if self._down:
            logger.warning("cache: Redis answers again; shared counters resume")
            self._down = False
        return result


def _delegate(name):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = getattr(RedisCache, name).__doc__
    return method


for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many",
              "clear"):
    setattr(FallbackRedisCache, _name, _delegate(_name))
