"""Officer pages. Thin: they call selectors and services."""
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.selectors import deadlines_due
from thads.org.models import Role
from thads.org.selectors import officer_profile_of


@staff_member_required
def my_deadlines(request):
    """The legal deadlines that are overdue or fall due within the horizon: an officer's own cases, or — for
    a unit head or statistician — every case of their unit (``?scope=unit``)."""
    profile = officer_profile_of(request.user)
    try:
        horizon = max(0, min(int(request.GET.get("days", 14)), 365))
    except ValueError:
        horizon = 14
    unit_view = request.GET.get("scope") == "unit" or (profile is None) or profile.role != Role.OFFICER
    if unit_view and profile is not None:
        items = deadlines_due(request.user, unit_id=profile.unit_id, horizon_days=horizon)
    elif unit_view:
        items = deadlines_due(request.user, horizon_days=horizon)
    else:
        items = deadlines_due(request.user, officer_id=request.user.pk, horizon_days=horizon)
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": _("Legal deadlines"),
        "items": page.object_list,
        "page": page,
        "horizon": horizon,
        "today": timezone.localdate(),
        "unit_view": unit_view,
        "profile": profile,
        "overdue_count": sum(1 for item in items if item.status == "overdue"),
    }
    return render(request, "cases/deadlines.html", context)
