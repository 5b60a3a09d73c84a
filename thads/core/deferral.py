"""Deferring a per-row cache refresh to the end of a bulk write: the services call the refresh after each
write; inside ``deferred()`` the ids are collected instead and refreshed once, set-based, on leaving (an import
or a loader recording thousands of rows). Nested uses join the outermost one; nothing is refreshed if the block
raises (its transaction is rolled back anyway). Use it inside the transaction of the writes."""
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar


class Deferral:
    def __init__(self, name: str, refresh: Callable[[set], object]):
        self._pending: ContextVar[set | None] = ContextVar(name, default=None)
        self._refresh = refresh

    def collect(self, ids: Iterable[int]) -> bool:
        """Inside ``deferred()``: keep ``ids`` for the end and return True; outside it return False."""
        pending = self._pending.get()
        if pending is None:
            return False
        pending.update(int(pk) for pk in ids)
        return True

    def active(self) -> bool:
        """Inside ``deferred()``?"""
        return self._pending.get() is not None

    @contextmanager
    def deferred(self):
        if self._pending.get() is not None:
            yield
            return
        pending: set = set()
        token = self._pending.set(pending)
        try:
            yield
        finally:
            self._pending.reset(token)
        self._refresh(pending)
