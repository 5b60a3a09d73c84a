"""Reads of the organisation, and the scoping rules that decide which units a person may see.

Every other selector that scopes by unit (cases, reports) asks these functions; no view, admin or API
decides scope on its own.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.utils import timezone

from thads.org.models import OfficerProfile, Role, Unit

ALL_UNITS = None  # returned by readable_unit_ids for people who see everything

# Jurisdictions computed while reading one page (thads.core.middleware.ScopeMemoMiddleware, GET requests
# only): a page asks for the same unit's jurisdiction several times (what the person reads, may assign, the
# unit shown); the organisation does not change while a page is read. Outside it, nothing is remembered.
_scope_memo: ContextVar[dict | None] = ContextVar("thads_scope_memo", default=None)


@contextmanager
def scope_memo():
    """Remember jurisdictions computed inside the block (for read-only work: a GET request)."""
    token = _scope_memo.set({})
    try:
        yield
    finally:
        _scope_memo.reset(token)


def unit_subtree_ids(unit: Unit | int, *, on: date) -> set[int]:
    """Ids of ``unit`` and every unit below it as the hierarchy stood on ``on``.

    One query per level (the hierarchy is at most four levels deep), never one per unit."""
    root_id = unit if isinstance(unit, int) else unit.pk
    found = {root_id}
    frontier = {root_id}
    while frontier:
        children = set(
            Unit.objects.active_on(on).filter(parent_id__in=frontier).values_list("id", flat=True)
        ) - found
        found |= children
        frontier = children
    return found


def jurisdiction_unit_ids(unit: Unit, *, on: date) -> set[int]:
    """The units whose cases belong to ``unit`` on ``on``.

    That is every unit whose cases the statistics count in ``unit`` on that date (thads.org.hierarchy: a
    retired unit's cases are counted in its successor, or failing one in its nearest existing ancestor),
    plus the units its members replaced (predecessors, with their own subtrees as they stood on their last
    day — a unit split in two leaves its cases to both successors). A regional office created on 1/7/2025
    thus answers for the cases of the Chi cục it replaced, and a province whose districts were all retired
    still answers for theirs. For a unit that no longer exists on ``on``, its jurisdiction on its last day."""
    memo = _scope_memo.get()
    if memo is not None:
        key = (unit.pk, on)
        if key not in memo:
            memo[key] = frozenset(_jurisdiction_unit_ids(unit, on=on))
        return set(memo[key])
    return _jurisdiction_unit_ids(unit, on=on)


def _jurisdiction_unit_ids(unit: Unit, *, on: date) -> set[int]:
    from thads.org.hierarchy import hierarchy_on

    if unit.valid_to is not None and unit.valid_to < on:
        on = unit.valid_to
    hierarchy = hierarchy_on(on)
    counted_here = {unit_id for unit_id in hierarchy.subtree_of(unit.pk)
                    if hierarchy.by_id[unit_id]["valid_from"] <= on}  # not units created later
    result = unit_subtree_ids(unit, on=on) | counted_here
    pending = set(result)
    while pending:
        predecessors = list(
            Unit.predecessors.through.objects.filter(from_unit_id__in=pending)
            .exclude(to_unit_id__in=result)
            .values_list("to_unit_id", "to_unit__valid_to", "to_unit__valid_from")
        )
        pending = set()
        for predecessor_id, valid_to, valid_from in predecessors:
            last_day = valid_to or valid_from
            new_ids = unit_subtree_ids(predecessor_id, on=last_day) - result
            result |= new_ids
            pending |= new_ids
    return result


def officer_profile_of(user) -> OfficerProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.officer_profile
    except OfficerProfile.DoesNotExist:
        return None


def sees_everything(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    profile = officer_profile_of(user)
    return profile is not None and profile.role == Role.CENTRAL_ADMIN


def readable_unit_ids(user, *, on: date | None = None) -> set[int] | None:
    """Units whose cases ``user`` may read: ``None`` means all, an empty set means none.

    - officer: their own unit (and the units it replaced);
    - unit head and statistician: their unit's jurisdiction (subtree and predecessors);
    - central administrator and superuser: everything;
    - anybody else (no profile, inactive, anonymous): nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if sees_everything(user):
        return ALL_UNITS
    profile = officer_profile_of(user)
    if profile is None:
        return set()
    on = on or timezone.localdate()
    if profile.role == Role.OFFICER:
        own = {profile.unit_id}
        predecessor_ids = set(profile.unit.predecessors.values_list("id", flat=True))
        return own | predecessor_ids
    return jurisdiction_unit_ids(profile.unit, on=on)


def writable_unit_ids(user, *, on: date | None = None) -> set[int] | None:
    """Units in which ``user`` may write any case (not only the ones assigned to them).

    Unit heads and central administrators write in their scope; officers write only the cases assigned to
    them (see cases.selectors.case_is_writable_by); statisticians write nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if sees_everything(user):
        return ALL_UNITS
    profile = officer_profile_of(user)
    if profile is None or profile.role != Role.UNIT_HEAD:
        return set()
    return jurisdiction_unit_ids(profile.unit, on=on or timezone.localdate())
