"""What the dashboard's views share: who may read it, which unit, which selectors."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from reports.selectors import can_see_dashboard, dashboard_unit


def unit_for(request, code: str | None):
    """The unit asked for, within the user's jurisdiction: 403 for officers, 404 outside the scope."""
    if not can_see_dashboard(request.user):
        raise PermissionDenied(_("The dashboard is for unit heads, statisticians and central administrators."))
    unit = dashboard_unit(request.user, code)
    if unit is None and code is not None:
        raise Http404(_("No such unit in your scope."))
    return unit


def band(rate, target) -> str:
    """"ok" on or above the target, "warn" within 5 points below it, "bad" further below; "" without both."""
    if rate is None or target is None:
        return ""
    gap = float(rate) - float(target)
    if gap >= 0:
        return "ok"
    return "warn" if gap >= -5 else "bad"


def gap(rate, target):
    if rate is None or target is None:
        return None
    return float(rate) - float(target)
