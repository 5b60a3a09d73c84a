"""The figures of an official form for one unit and one period: its rows (sub-units as the organisation stood
at the period's end, officers or banks) and the total, from reports.engine (sums in the database, rolled up
over a few thousand group rows — never a loop over cases).

Each row also carries the engine filters that select its cases, so the list of cases behind a row (the
workbook's second sheet) is the engine's own classification of the same cases."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from banks.models import Bank
from reports.engine import group_rows
from reports.filters import month_end
from reports.forms.definitions import (
    MONEY,
    MONEY_UNIT,
    ROWS_BANKS,
    ROWS_OFFICERS,
    ROWS_UNITS,
    Column,
    FormDefinition,
    Regime,
    form_columns,
)
from reports.indicators import Figures
from reports.models import FormColumnOverride
from reports.selectors import is_closed
from thads.core.dates import fiscal_year_bounds
from thads.core.errors import DomainError
from thads.org.hierarchy import Hierarchy
from thads.org.models import OfficerProfile, Unit

TOTAL_LABEL = "Tổng cộng"
UNASSIGNED_LABEL = "Chưa phân công chấp hành viên"


@dataclass
class FormRow:
    label: str
    figures: Figures
    scope: dict = field(default_factory=dict)  # engine filters selecting this row's cases (None: the total)


@dataclass
class FormData:
    form: FormDefinition
    unit: Unit
    fiscal_year: int
    months: int
    start: date
    end: date
    regime: Regime
    columns: list[Column]
    rows: list[FormRow]
    total: FormRow

    def values(self, row: FormRow) -> list:
        return [cell_value(column, row.figures) for column in self.columns]


def to_thousands(amount: int) -> int:
    """Whole đồng to thousands of đồng, rounded half-up (away from zero for a negative amount)."""
    return int((Decimal(amount) / MONEY_UNIT).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cell_value(column: Column, figures: Figures):
    """What the form prints for ``column`` from exact ``figures``: a count; thousands of đồng rounded from
    the exact sum; a rate in percent from the exact figures, 2 decimals (None: no denominator)."""
    values = figures.money() if column.measure == MONEY else figures.cases()
    value = values[column.figure]
    if column.figure == "rate":
        return None if value is None else float(value)
    return to_thousands(value) if column.measure == MONEY else value


def column_overrides(form_code: str) -> dict[str, tuple[str, int | None]]:
    return {key: (heading, position) for key, heading, position in FormColumnOverride.objects.filter(
        form_code=form_code).values_list("column_key", "heading", "position")}


def form_build(*, form: FormDefinition, unit: Unit, fiscal_year: int, months: int) -> FormData:
    """The form ``form`` of ``unit`` for the first ``months`` months (1–12) of ``fiscal_year``, cumulative
    from 1 October. Raises DomainError for a period outside 1–12 months."""
    if not isinstance(months, int) or not 1 <= months <= 12:
        raise DomainError(_("A reporting period is 1 to 12 months of a fiscal year."), code="invalid_period",
                          field="months")
    if not 2000 <= fiscal_year <= 2100:
        raise DomainError(_("Fiscal year %(year)s is out of range.") % {"year": fiscal_year}, code="invalid_year",
                          field="fiscal_year")
    start, end = fiscal_year_bounds(fiscal_year)[0], month_end(fiscal_year, months)
    hierarchy = Hierarchy(end)
    subtree = hierarchy.subtree_of(unit.pk)
    if form.rows == ROWS_UNITS:
        rows = _unit_rows(form, unit, start, end, hierarchy, subtree)
    elif form.rows == ROWS_OFFICERS:
        rows = _officer_rows(form, unit, start, end, subtree)
    elif form.rows == ROWS_BANKS:
        rows = _bank_rows(form, start, end, subtree)
    else:  # pragma: no cover (definitions are data of this module's package)
        raise ValueError(form.rows)
    total = Figures.zero()
    for row in rows:
        total.add(row.figures)
    return FormData(form=form, unit=unit, fiscal_year=fiscal_year, months=months, start=start, end=end,
                    regime=form.regime_on(end), columns=form_columns(form, column_overrides(form.code)), rows=rows,
                    total=FormRow(TOTAL_LABEL, total, scope={}))


def _unit_rows(form, unit, start, end, hierarchy, subtree) -> list[FormRow]:
    """The unit's own office (its cases not under any sub-unit), then each sub-unit active at ``end``."""
    children = list(Unit.objects.active_on(end).filter(parent=unit).order_by("code"))
    child_ids = {child.pk for child in children}
    members: dict[int, set[int]] = defaultdict(set)  # row unit → the units whose cases it counts
    for unit_id in subtree:
        members[next((u for u in hierarchy.chain(unit_id) if u in child_ids), unit.pk)].add(unit_id)
    figures: dict[int, Figures] = defaultdict(Figures.zero)
    row_of = {unit_id: row_unit for row_unit, ids in members.items() for unit_id in ids}
    for group in group_rows(start=start, end=end, category=form.category, unit_ids=subtree):
        figures[row_of[group.unit_id]].add(group.figures)
    rows = []
    if not children or unit.pk in figures:
        rows.append(FormRow(unit.name, figures[unit.pk], {"unit_ids": members[unit.pk] or {unit.pk}}))
    for child in children:
        rows.append(FormRow(child.name, figures[child.pk], {"unit_ids": members[child.pk] or {child.pk}}))
    return rows


def _officer_rows(form, unit, start, end, subtree) -> list[FormRow]:
    """One row per officer with cases counted in the period (by name), then the cases assigned to nobody."""
    figures: dict[int | None, Figures] = defaultdict(Figures.zero)
    # A closed period is split by the officer of record at its end: a later reassignment does not move it.
    as_of = end if is_closed(unit.pk, end) else None
    for group in group_rows(start=start, end=end, category=form.category, unit_ids=subtree, officer_as_of=as_of):
        figures[group.officer_id].add(group.figures)
    names = dict(OfficerProfile.objects.filter(user_id__in=[k for k in figures if k]).values_list(
        "user_id", "full_name"))
    officers = sorted((k for k in figures if k is not None), key=lambda k: (names.get(k, ""), k))
    rows = [FormRow(names.get(k, str(k)), figures[k], {"unit_ids": subtree, "officer_id": k}) for k in officers]
    if None in figures:
        rows.append(FormRow(UNASSIGNED_LABEL, figures[None], {"unit_ids": subtree, "officer_id": 0}))
    return rows


def _bank_rows(form, start, end, subtree) -> list[FormRow]:
    """One row per credit institution that is the creditor of a case of the unit (one query per bank: a
    province deals with a few dozen)."""
    banks = Bank.objects.filter(cases__unit_id__in=subtree).distinct().order_by("name")
    rows = []
    for bank in banks:
        figures = Figures.zero()
        for group in group_rows(start=start, end=end, category=form.category, unit_ids=subtree, bank_id=bank.pk):
            figures.add(group.figures)
        if not any(figures.counts.values()):
            continue  # no case of this bank counted in the period
        rows.append(FormRow(bank.name, figures, {"unit_ids": subtree, "bank_id": bank.pk}))
    return rows
