"""The organisation as it stood on one date: where each unit's cases are counted.

Both the statistics (reports.engine rolls figures up along ``chain``) and the scoping rules
(thads.org.selectors.jurisdiction_unit_ids) read it, so a person sees exactly the cases their unit's figures
count."""
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from thads.org.models import Unit

# org_read_once(): the units and the predecessor links, read once for every date's Hierarchy of a request.
_ORG_ROWS: ContextVar[dict | None] = ContextVar("org_rows", default=None)


@contextmanager
def org_read_once():
    """Within the block, every ``Hierarchy`` (whatever its date) is built from one read of the units and their
    predecessor links (a page that rolls up this year and last year's same period); never across requests."""
    token = _ORG_ROWS.set({}) if _ORG_ROWS.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _ORG_ROWS.reset(token)


def _org_rows() -> tuple[list[dict], list[tuple[int, int]]]:
    memo = _ORG_ROWS.get()
    if memo is not None and "rows" in memo:
        return memo["rows"]
    rows = (list(Unit.objects.values("id", "code", "parent_id", "valid_from", "valid_to")),
            list(Unit.predecessors.through.objects.values_list("to_unit_id", "from_unit_id")))
    if memo is not None:
        memo["rows"] = rows
    return rows


class Hierarchy:
    """The organisation as it stood on one date: where each unit's cases are counted, and each unit's
    ancestors. A unit that no longer existed on that date is counted in its successor (the 2025
    reorganisation), or failing one in its nearest existing ancestor."""

    def __init__(self, on: date):
        self.on = on
        units, links = _org_rows()
        self.by_id = {u["id"]: u for u in units}
        self.code_of = {u["id"]: u["code"] for u in units}
        self.id_of = {u["code"]: u["id"] for u in units}
        successors = defaultdict(list)
        for predecessor_id, successor_id in links:
            successors[predecessor_id].append(successor_id)
        self.successors = successors
        self._effective: dict[int, int] = {}
        self._chains: dict[int, list[int]] = {}  # the organisation on a date does not change: each chain once
        self._subtrees: dict[int, frozenset[int]] = {}
        self._counted_in: dict[int, dict[int, int]] = {}

    def active(self, unit_id: int) -> bool:
        unit = self.by_id[unit_id]
        return unit["valid_from"] <= self.on and (unit["valid_to"] is None or unit["valid_to"] >= self.on)

    def effective(self, unit_id: int) -> int:
        """The unit that answers, on ``self.on``, for cases accepted by ``unit_id``."""
        if unit_id in self._effective:
            return self._effective[unit_id]
        result, seen, frontier = unit_id, {unit_id}, [unit_id]
        if not self.active(unit_id):
            result = None
            while frontier and result is None:
                following = []
                for current in frontier:
                    for successor in sorted(self.successors.get(current, [])):
                        if successor in seen:
                            continue
                        if self.active(successor):
                            result = successor
                            break
                        seen.add(successor)
                        following.append(successor)
                    if result is not None:
                        break
                frontier = following
            if result is None:
                parent = self.by_id[unit_id]["parent_id"]
                result = self.effective(parent) if parent is not None else unit_id
        self._effective[unit_id] = result
        return result

    def chain(self, unit_id: int) -> list[int]:
        """The unit that answers for ``unit_id`` and its ancestors, bottom up (do not modify the list)."""
        known = self._chains.get(unit_id)
        if known is not None:
            return known
        chain, current = [], self.effective(unit_id)
        while current is not None and current not in chain:
            chain.append(current)
            current = self.by_id[current]["parent_id"]
        self._chains[unit_id] = chain
        return chain

    def subtree_of(self, unit_id: int) -> set[int]:
        """Every unit whose cases roll up into ``unit_id`` on ``self.on`` (including retired units)."""
        if unit_id not in self._subtrees:
            self._subtrees[unit_id] = frozenset(other for other in self.by_id if unit_id in self.chain(other))
        return set(self._subtrees[unit_id])

    def counted_in(self, unit_id: int) -> dict[int, int]:
        """{every unit of ``subtree_of(unit_id)``: the direct child of ``unit_id`` its cases count in, or
        ``unit_id`` itself when they count in no child} (do not modify it)."""
        known = self._counted_in.get(unit_id)
        if known is None:
            known = {}
            for other in self.subtree_of(unit_id):
                chain = self.chain(other)
                index = chain.index(unit_id)
                known[other] = chain[index - 1] if index else unit_id
            self._counted_in[unit_id] = known
        return known


def hierarchy_on(on: date) -> Hierarchy:
    """The organisation on ``on``: within ``org_read_once`` one ``Hierarchy`` per date for the whole request
    (the scoping rules and the statistics of a page share it), otherwise a new one."""
    memo = _ORG_ROWS.get()
    if memo is None:
        return Hierarchy(on)
    key = ("hierarchy", on)
    if key not in memo:
        memo[key] = Hierarchy(on)
    return memo[key]
