"""The trend: the cumulative việc and tiền rates month by month through the fiscal year (each month a report
from 1/10 to its end, as the official reports are), this year beside last year, against the target line.
Drawn as SVG on the server, with its table beside it."""
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.filters import month_end, read_filters
from reports.services import report_build
from reports.views.common import unit_for

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28
MONTH_LABELS = ("10", "11", "12", "1", "2", "3", "4", "5", "6", "7", "8", "9")


@dataclass
class Chart:
    name: str
    heading: str
    target: float | None
    this_year: list[float | None]
    last_year: list[float | None]

    @staticmethod
    def x(index: int) -> float:
        return LEFT + index * (WIDTH - LEFT - RIGHT) / 11

    @staticmethod
    def y(value: float) -> float:
        return TOP + (100 - value) * (HEIGHT - TOP - BOTTOM) / 100

    def _polyline(self, values) -> str:
        return " ".join(f"{self.x(i):.1f},{self.y(float(v)):.1f}" for i, v in enumerate(values) if v is not None)

    @property
    def this_year_points(self) -> str:
        return self._polyline(self.this_year)

    @property
    def last_year_points(self) -> str:
        return self._polyline(self.last_year)

    # Coordinates are strings with a decimal point: a template would localise a float ("12,5" in Vietnamese).
    @property
    def dots(self) -> list[tuple[str, str]]:
        return [(f"{self.x(i):.1f}", f"{self.y(float(v)):.1f}") for i, v in enumerate(self.this_year) if v is not None]

    @property
    def target_y(self) -> str | None:
        return None if self.target is None else f"{self.y(float(self.target)):.1f}"

    @property
    def grid(self) -> list[tuple[int, str]]:
        return [(value, f"{self.y(value):.1f}") for value in (0, 25, 50, 75, 100)]

    @property
    def months(self) -> list[tuple[str, str]]:
        return [(label, f"{self.x(i):.1f}") for i, label in enumerate(MONTH_LABELS)]


@login_required
def trend(request, code: str):
    unit = unit_for(request, code)
    filters = read_filters(request.GET, today=timezone.localdate())
    points = []
    month = 1
    while month <= 12:
        end = min(month_end(filters.fiscal_year, month), filters.end)
        report = report_build(unit=unit, start=filters.start, end=end, include_previous=True,
                              **filters.engine_filters())
        points.append({"month": month, "end": end, "cases": report["cases"]["rate"],
                       "money": report["money"]["rate"], "previous_cases": report["previous"]["cases"]["rate"],
                       "previous_money": report["previous"]["money"]["rate"]})
        if end >= filters.end:
            break
        month += 1
    targets = report["targets"]
    charts = [
        Chart("cases", _("Rate in cases"), targets["cases"], [p["cases"] for p in points],
              [p["previous_cases"] for p in points]),
        Chart("money", _("Rate in money"), targets["money"], [p["money"] for p in points],
              [p["previous_money"] for p in points]),
    ]
    return render(request, "reports/trend.html", {
        "title": _("Trend") + f" — {unit.name}", "unit": unit, "filters": filters, "form": filters.form,
        "points": points, "charts": charts, "targets": targets, "width": WIDTH, "height": HEIGHT,
        "left": LEFT, "right_x": WIDTH - RIGHT, "bottom_y": HEIGHT - BOTTOM,
        "back_url": reverse("reports:unit", args=[unit.code]) + "?" + filters.query(),
    })
