"""The cases behind one figure of the dashboard: exactly the cases the figure counts (or, for a money figure,
the cases whose amounts add up to it), each with why — its state before the period and at its end, and the
money counted — paginated, filterable by the dashboard's selectors, exportable to xlsx."""
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.selectors_pages import STATUS_GROUND_KIND, ground_label, parties_of
from reports.engine import CASE_CLASSES, CLASS_SQL, reads_shared
from reports.exports import case_rows_xlsx
from reports.filters import read_filters
from reports.indicators import LABELS
from reports.services import report_case_listing
from reports.views.common import unit_for
from thads.org.models import OfficerProfile

PAGE_SIZE = 50


def status_words(status: str | None, ground: str) -> str:
    """A status of the statistics (before the period / at its end) in words, with its legal ground."""
    from cases.codes import Status

    if not status:
        return str(Status.WITH_CONDITIONS.label)
    label = str(Status(status).label)
    ground_text = ground_label(STATUS_GROUND_KIND.get(status, ""), ground)
    return f"{label} — {ground_text}" if ground_text else label


def why(row, case, start) -> tuple[str, str]:
    """(before the period, at its end) in words for one case of a list."""
    day_before = (start - timedelta(days=1)).strftime("%d/%m/%Y")
    if case is not None and case.stat_accepted_on >= start:
        before = _("Accepted within the period, on %(day)s") % {"day": case.stat_accepted_on.strftime("%d/%m/%Y")}
    elif row.new:
        before = _("On %(day)s: in the separate book; brought back within the period") % {"day": day_before}
    else:
        before = _("On %(day)s: %(status)s") % {"day": day_before,
                                                 "status": status_words(row.status_before, row.ground_before)}
    return before, status_words(row.status_end, row.ground_end)


def _attach(rows, start) -> list[dict]:
    """The page's cases (one query), their debtors (one query), and why each is in the list."""
    cases = Case.objects.select_related("unit").in_bulk([row.case_id for row in rows])
    debtors = parties_of(cases)
    result = []
    for row in rows:
        case = cases.get(row.case_id)
        before, at_end = why(row, case, start)
        result.append({"row": row, "case": case, "before": before, "at_end": at_end,
                       "debtors": debtors.get(row.case_id, {}).get("debtor", []),
                       "performed": row.collected + row.reduced})
    return result


@login_required
@reads_shared
def case_list(request, code: str):
    unit = unit_for(request, code)
    today = timezone.localdate()
    filters = read_filters(request.GET, today=today)
    case_class = request.GET.get("class", "with_conditions")
    money = request.GET.get("measure") == "money"
    valid = CLASS_SQL if money else CASE_CLASSES
    if case_class not in valid:
        filters.errors.append(_("Unknown figure «%(name)s»; the cases with conditions are shown.") % {
            "name": case_class})
        case_class = "with_conditions"
    officer_name = None
    if filters.officer_id:
        officer_name = OfficerProfile.objects.filter(user_id=filters.officer_id).values_list(
            "full_name", flat=True).first()
        if officer_name is None:
            filters.errors.append(_("Officer: no such officer; the whole unit is shown."))
            filters.officer_id = None
    elif filters.officer_id == 0:
        officer_name = _("Not assigned")
    listing = report_case_listing(unit=unit, start=filters.start, end=filters.end, case_class=case_class,
                                  money=money, **filters.engine_filters())
    label = LABELS[case_class]
    heading = _("Money: %(figure)s") % {"figure": label} if money else _("Cases: %(figure)s") % {"figure": label}
    if request.GET.get("format") == "xlsx":
        return case_rows_xlsx(listing.all(), unit=unit, filters=filters, heading=str(heading), money=money,
                              attach=lambda chunk: _attach(chunk, filters.start))
    # The count and total in one aggregate, the page in one query (LIMIT/OFFSET): never the whole list.
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    query = filters.query(**{"class": case_class, "measure": "money" if money else ""})
    return render(request, "reports/cases.html", {
        "title": f"{heading} — {unit.name}", "heading": heading, "unit": unit, "filters": filters,
        "form": filters.form, "officer_name": officer_name, "money": money, "case_class": case_class,
        "page": page, "items": _attach(page.object_list, filters.start), "count": page.paginator.count,
        "total": listing.total if money else None, "query": query,  # a count list shows no total
        "back_url": reverse("reports:unit", args=[unit.code]) + "?" + filters.query(),
    })
