"""The forecast to 30/9 of a unit (reports.forecast): a fragment the dashboard loads after it has shown its own
figures (the forecast reads earlier years' months, which costs more than the page itself), and the same as a page
of its own for a browser without JavaScript."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.filters import read_filters
from reports.forecast import forecast_context
from reports.services import report_build
from reports.views.common import unit_for
from thads.core.dates import fiscal_year_bounds


def forecast_url(unit, filters) -> str | None:
    """Where the dashboard fetches its forecast section: None for a period that ends on 30/9 (a whole year
    has its actual rates)."""
    if filters.end >= fiscal_year_bounds(filters.fiscal_year)[1]:
        return None
    query = filters.query()
    return reverse("reports:forecast", args=[unit.code]) + ("?" + query if query else "")


@login_required
def forecast(request, code: str):
    unit = unit_for(request, code)
    filters = read_filters(request.GET, today=timezone.localdate())
    report = report_build(unit=unit, start=filters.start, end=filters.end, **filters.engine_filters())
    context = {"forecast": forecast_context(unit=unit, filters=filters, report=report), "unit": unit,
               "filters": filters}
    if request.GET.get("fragment") == "1":
        return render(request, "reports/_forecast.html", context)
    return render(request, "reports/forecast.html", context | {
        "title": _("Forecast to 30/9") + f" — {unit.name}",
        "back_url": reverse("reports:unit", args=[unit.code]) + "?" + filters.query(),
    })
