"""Bảng điều khiển: a unit's year at a glance (việc and tiền rates against targets, last year, the counts and
money behind them, the credit-bank block) and its sub-units — or, in a unit without sub-units, its officers."""
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _

from cases.codes import Category
from reports.engine import hierarchy_on, reads_shared
from reports.exports import dashboard_xlsx
from reports.filters import read_filters
from reports.indicators import LABELS, percentage_change, rate
from reports.seized import seized_totals
from reports.selectors import (
    can_refresh_statistics,
    dashboard_unit,
    last_refresh,
    statistics_closed_through,
    targets_by_unit,
    top_units,
)
from reports.services import report_breakdown, report_build
from reports.views.charts import gap_chart
from reports.views.common import band, gap, unit_for
from reports.views.forecast import forecast_url
from thads.core.dates import fiscal_year_of
from thads.org.models import OfficerProfile

# The rows of "what the rates are made of", in the order of the official forms.
FIGURE_ROWS = ("carried_over", "new", "accepted", "transferred_out", "to_enforce", "with_conditions", "completed",
               "terminated", "resolved", "in_progress", "postponed_or_suspended", "without_conditions",
               "carried_forward")
MONEY_ONLY_ROWS = ("collected", "reduced")  # shown under "completed": money completed = collected + reduced
EMPHASISED = {"to_enforce", "with_conditions", "resolved"}

SORT_KEYS = ("name", "cases_rate", "cases_gap", "money_rate", "money_gap", "to_enforce", "with_conditions",
             "resolved", "money_with_conditions", "money_resolved")


def _metric(values: dict, target) -> dict:
    """The rate of one metric against its target: the gap in points and its band."""
    return {"rate": values["rate"], "target": target, "gap": gap(values["rate"], target),
            "band": band(values["rate"], target),
            "on_track": None if values["rate"] is None or target is None else gap(values["rate"], target) >= 0}


def _figure_rows(report: dict) -> list[dict]:
    previous = report["previous"]
    rows = []
    for key in FIGURE_ROWS + MONEY_ONLY_ROWS:
        cases = report["cases"].get(key)
        money = report["money"][key]
        rows.append({
            "key": key, "label": LABELS[key], "cases": cases, "money": money, "money_only": key in MONEY_ONLY_ROWS,
            "emphasised": key in EMPHASISED,
            "previous_cases": previous["cases"].get(key), "previous_money": previous["money"][key],
            "cases_change": None if cases is None else percentage_change(cases, previous["cases"][key]),
            "money_change": percentage_change(money, previous["money"][key]),
        })
    # collected and reduced read as parts of completed money
    completed = next(index for index, row in enumerate(rows) if row["key"] == "completed")
    parts = rows[-2:]
    return rows[:completed + 1] + parts + rows[completed + 1:-2]


def _bank_block(unit, filters, whole: dict) -> dict | None:
    """The credit-bank cases' share of the unit's cases and money, their rates and their resolved cases
    against last year — the figures the Hậu Giang director quoted. Only without a category or bank filter."""
    if filters.category or filters.bank is not None:
        return None
    bank = report_build(unit=unit, start=filters.start, end=filters.end, category=Category.TIN_DUNG_NGAN_HANG,
                        origin=filters.origin or None, officer_id=filters.officer_id, include_previous=True)
    return {
        "cases_share": rate(bank["cases"]["to_enforce"], whole["cases"]["to_enforce"]),
        "money_share": rate(bank["money"]["to_enforce"], whole["money"]["to_enforce"]),
        "cases": bank["cases"], "money": bank["money"],
        "previous_resolved": bank["previous"]["cases"]["resolved"],
        "resolved_change": bank["year_on_year"]["cases"]["resolved"],
        "previous_money_resolved": bank["previous"]["money"]["resolved"],
        "money_resolved_change": percentage_change(bank["money"]["resolved"], bank["previous"]["money"]["resolved"]),
    }


def _table_row(key, label, cases: dict, money: dict, targets: dict) -> dict:
    cases_metric, money_metric = _metric(cases, targets.get("cases")), _metric(money, targets.get("money"))
    return {
        "key": key, "label": label, "cases": cases, "money": money, "cases_metric": cases_metric,
        "money_metric": money_metric,
        "sort": {"name": str(label), "cases_rate": cases["rate"], "cases_gap": cases_metric["gap"],
                 "money_rate": money["rate"], "money_gap": money_metric["gap"], "to_enforce": cases["to_enforce"],
                 "with_conditions": cases["with_conditions"], "resolved": cases["resolved"],
                 "money_with_conditions": money["with_conditions"], "money_resolved": money["resolved"]},
    }


def _sorted(rows: list[dict], sort: str) -> tuple[list[dict], str]:
    """Rows sorted by ``sort`` ("-" first for descending; unknown keys sort by name). Rows without a value
    (no rate) come last either way."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key, descending = "name", False
    present = [row for row in rows if row["sort"][key] is not None]
    missing = [row for row in rows if row["sort"][key] is None]
    present.sort(key=lambda row: (float(row["sort"][key]) if key != "name" else row["sort"][key]),
                 reverse=descending)
    return present + missing, ("-" if descending else "") + key


def _sub_table(unit, filters, sort: str) -> dict | None:
    """The sub-units as the organisation stood at the period's end, or the officers in a unit without any."""
    engine_filters = {"category": filters.category or None, "origin": filters.origin or None,
                      "bank_id": filters.bank.pk if filters.bank else None}
    breakdown = report_breakdown(unit=unit, start=filters.start, end=filters.end, by="unit", **engine_filters)
    targets = targets_by_unit(fiscal_year_of(filters.end))
    if breakdown:
        ids = hierarchy_on(filters.end).id_of  # every unit's id by its code, read once for the page
        rows = [_table_row(row.key, row.label, row.cases, row.money, targets.get(ids.get(row.key), {}))
                for row in breakdown]
        kind = "units"
    else:
        breakdown = report_breakdown(unit=unit, start=filters.start, end=filters.end, by="officer",
                                     **engine_filters)
        unit_targets = targets.get(unit.pk, {})  # officers are measured against their unit's targets
        rows = [_table_row(0 if row.key is None else row.key, row.label, row.cases, row.money, unit_targets)
                for row in breakdown]
        kind = "officers"
    query = filters.query(officer="")
    unit_path, cases_path = _path_of("reports:unit"), _path_of("reports:cases")
    for row in rows:
        if kind == "units":
            row["url"] = unit_path(row["key"])
            row["drill"] = cases_path(row["key"]) + "?" + (query + "&" if query else "")
        else:
            officer_query = filters.query(officer=row["key"])
            row["drill"] = reverse("reports:cases", args=[unit.code]) + "?" + officer_query + "&"
    rows, sort = _sorted(rows, sort)
    return {"kind": kind, "rows": rows, "sort": sort}


def _path_of(name: str):
    """``code -> reverse(name, args=[code])`` for a view taking a unit's code, reversed once (a sub-unit table
    links each of its hundred rows twice)."""
    marker = "0unit0code0"
    pattern = reverse(name, args=[marker])
    before, after = pattern.split(marker)
    return lambda code: before + quote(str(code), safe=RFC3986_SUBDELIMS + "/~:@") + after


def _sort_headers(kind: str) -> list[tuple[str, str]]:
    return [("name", _("Unit") if kind == "units" else _("Officer")), ("cases_rate", _("Rate in cases / target")),
            ("cases_gap", _("Gap in cases (points)")), ("money_rate", _("Rate in money / target")),
            ("money_gap", _("Gap in money (points)")), ("to_enforce", str(LABELS["to_enforce"])),
            ("with_conditions", str(LABELS["with_conditions"])), ("resolved", str(LABELS["resolved"])),
            ("money_with_conditions", _("Money with conditions")), ("money_resolved", _("Money resolved"))]


@login_required
@reads_shared
def dashboard(request, code: str | None = None):
    unit = unit_for(request, code)
    today = timezone.localdate()
    if unit is None:  # a superuser without a unit: choose one
        return render(request, "reports/choose_unit.html", {"title": _("Dashboard"), "units": top_units(today)})
    filters = read_filters(request.GET, today=today)
    officer_name = None
    if filters.officer_id is not None:
        officer_name = (OfficerProfile.objects.filter(user_id=filters.officer_id).values_list("full_name", flat=True)
                        .first() if filters.officer_id else _("Not assigned"))
        if officer_name is None:
            filters.errors.append(_("Officer: no such officer; the whole unit is shown."))
            filters.officer_id = None
    report = report_build(unit=unit, start=filters.start, end=filters.end, include_previous=True,
                          **filters.engine_filters())
    targets = report["targets"]
    title = _("Dashboard") + f" — {unit.name}" + (f" — {officer_name}" if officer_name else "")
    sub_table = None
    if filters.officer_id is None:
        sub_table = _sub_table(unit, filters, request.GET.get("sort", ""))
    if request.GET.get("format") == "xlsx":
        return dashboard_xlsx(unit=unit, filters=filters, title=title, report=report, rows=_figure_rows(report),
                              sub_table=sub_table, sub_headers=_sort_headers(sub_table["kind"]) if sub_table else [])
    closed_through = statistics_closed_through(unit.pk)
    query = filters.query()
    unit_query = filters.query(officer="")
    active = unit.valid_from <= filters.end and (unit.valid_to is None or unit.valid_to >= filters.end)
    return render(request, "reports/dashboard.html", {
        "title": title, "unit": unit, "filters": filters, "form": filters.form, "report": report,
        "officer_name": officer_name,
        "cases_metric": _metric(report["cases"], targets["cases"]),
        "money_metric": _metric(report["money"], targets["money"]),
        "previous": report["previous"], "year_on_year": report["year_on_year"],
        "rows": _figure_rows(report), "bank": _bank_block(unit, filters, report),
        "sub_table": sub_table, "computed_at": timezone.localtime(),
        "closed": closed_through is not None and closed_through >= filters.end,
        "unit_active": active,
        "parent": (dashboard_unit(request.user, hierarchy_on(filters.end).code_of[unit.parent_id])
                   if unit.parent_id else None),
        "drill": reverse("reports:cases", args=[unit.code]) + "?" + (query + "&" if query else ""),
        "unit_query": unit_query, "sort_query": filters.query(),
        "sort_headers": _sort_headers(sub_table["kind"]) if sub_table else [],
        "sort_labels": dict(_sort_headers(sub_table["kind"])) if sub_table else {},
        "gap_chart": gap_chart(sub_table["rows"]) if sub_table else None,
        "seized": seized_totals(unit=unit, start=filters.start, end=filters.end, **filters.engine_filters()),
        "can_refresh": can_refresh_statistics(request.user), "last_refresh": last_refresh(),
        "forecast_url": forecast_url(unit, filters),
    })
