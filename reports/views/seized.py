"""The cases behind "money behind the seized assets": the in-progress cases with a seized asset, each with
the money still to collect, its assets' latest valuation and asking price, the failed auction rounds and the
part no sale of them can bring in — paginated in the database, exportable to xlsx."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.selectors_pages import parties_of
from reports.exports import seized_xlsx
from reports.filters import read_filters
from reports.seized import seized_cases, seized_totals
from reports.views.common import unit_for

PAGE_SIZE = 50
ORDERS = ("uncovered", "remaining", "failed_rounds", "case_no")


class _Rows:
    """The list for the paginator: its length from the totals, each page one query with LIMIT/OFFSET."""

    def __init__(self, count: int, fetch):
        self.total, self.fetch = count, fetch

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice):
        return self.fetch(limit=window.stop - window.start, offset=window.start)


@login_required
def seized_list(request, code: str):
    unit = unit_for(request, code)
    filters = read_filters(request.GET, today=timezone.localdate())
    order = request.GET.get("order", "uncovered")
    if order not in ORDERS:
        filters.errors.append(_("Unknown order «%(name)s»; the largest uncovered money comes first.") % {
            "name": order})
        order = "uncovered"
    engine_filters = filters.engine_filters()
    totals = seized_totals(unit=unit, start=filters.start, end=filters.end, **engine_filters)

    def fetch(*, limit=None, offset=0):
        return seized_cases(unit=unit, start=filters.start, end=filters.end, order=order, limit=limit,
                            offset=offset, **engine_filters)

    if request.GET.get("format") == "xlsx":
        return seized_xlsx(fetch(), totals=totals, unit=unit, filters=filters)
    page = Paginator(_Rows(totals.cases, fetch), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    cases = Case.objects.in_bulk([row.case_id for row in rows])
    debtors = parties_of(cases)
    items = [{"row": row, "case": cases.get(row.case_id),
              "debtors": debtors.get(row.case_id, {}).get("debtor", [])} for row in rows]
    return render(request, "reports/seized.html", {
        "title": _("Money behind the seized assets") + f" — {unit.name}", "unit": unit, "filters": filters,
        "form": filters.form, "totals": totals, "page": page, "items": items, "order": order,
        "query": filters.query(order=order), "order_query": filters.query(),
        "back_url": reverse("reports:unit", args=[unit.code]) + "?" + filters.query(),
    })
