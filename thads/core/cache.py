"""The cache when Redis is configured: Redis, but a Redis that stops answering does not take the site down.

The cache holds only counters and memos that can be lost (the bank API's rate limits, the unauthenticated-request
limit). When a Redis call fails (connection refused, timeout) the call is answered by a local in-memory cache of
this process instead, a warning is logged (once per outage), and Redis is tried again after
``RETRY_SECONDS``. While Redis is down the rate limits are therefore counted per web worker — looser by the
number of workers, never absent — and they are shared again as soon as Redis answers. See docs/operations.md."""
import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("thads.cache")
RETRY_SECONDS = 30
FAILURES = (RedisError, OSError)
# The local memory's size while Redis is down: a counter per key and window, one per address and window. At
# LocMemCache's default of 300 it dropped a third of its counters whenever full (a dropped counter starts again
# at 0: the limits were looser than one per worker); a hundred thousand small entries are a few tens of MB at most.
FALLBACK_ENTRIES = 100_000


class _ReusedClients(RedisCacheClient):
    """Django's Redis cache client, keeping one redis.Redis per connection pool instead of building one per call
    (0.1–0.5 ms each: its response callbacks are set up anew; a bank API request makes two cache calls). A
    redis.Redis is safe to share between threads: each command takes a connection from the pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClients
        self._fallback = LocMemCache(f"thads-fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300),
                                                                   "OPTIONS": {"MAX_ENTRIES": FALLBACK_ENTRIES}})
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
            self._failed(error)
            return getattr(self._fallback, name)(*args, **kwargs)
        self._answered()
        return result

    def _answered(self) -> None:
        if self._down:
            logger.warning("cache: Redis answers again; shared counters resume")
            self._down = False

    def _failed(self, error) -> None:
        if not self._down:
            logger.warning("cache: Redis unreachable (%s: %s); using this process's memory, retrying every "
                           "%s s", type(error).__name__, error, RETRY_SECONDS)
        self._down, self._down_until = True, time.monotonic() + RETRY_SECONDS

    def count_up(self, counters: list[tuple[str, int]]) -> list[int]:
        """thads.core.cache.count_up in one round trip (one MULTI/EXEC); the fallback's counters while Redis is
        down."""
        if self.degraded:
            return _count_up(self._fallback, counters)
        try:
            pipeline = self._cache.get_client(write=True).pipeline(transaction=True)
            for key, timeout in counters:
                key = self.make_and_validate_key(key)
                pipeline.set(key, 0, ex=self.get_backend_timeout(timeout), nx=True)
                pipeline.incr(key)
            results = pipeline.execute()
        except FAILURES as error:
            self._failed(error)
            return _count_up(self._fallback, counters)
        self._answered()
        return [int(count) for count in results[1::2]]


def _delegate(name):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = getattr(RedisCache, name).__doc__
    return method


def _count_up(cache, counters: list[tuple[str, int]]) -> list[int]:
    """count_up on any Django cache: add then incr, one counter at a time."""
    counts = []
    for key, timeout in counters:
        cache.add(key, 0, timeout=timeout)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)
            counts.append(1)
    return counts


def count_up(cache, counters: list[tuple[str, int]]) -> list[int]:
    """Add one to each counter (key, timeout in seconds), creating it at 0 for ``timeout`` seconds if it does not
    exist; the new counts, in order. On FallbackRedisCache one round trip (MULTI: SET NX EX, INCR per counter),
    in which no counter can expire between its creation and its increment; elsewhere cache.add and cache.incr
    (Django's Redis incr alone is two round trips: EXISTS, INCRBY)."""
    own = getattr(cache, "count_up", None)  # FallbackRedisCache's (``cache`` may be django.core.cache's proxy)
    return own(counters) if own is not None else _count_up(cache, counters)


for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many",
              "clear"):
    setattr(FallbackRedisCache, _name, _delegate(_name))
