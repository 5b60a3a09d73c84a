"""Officer pages. Thin: they call selectors and services."""
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.selectors import due_items, open_deadlines_for_user
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
    today = timezone.localdate()
    if unit_view and profile is not None:
        rows = open_deadlines_for_user(request.user, unit_id=profile.unit_id, today=today, horizon_days=horizon)
    elif unit_view:
        rows = open_deadlines_for_user(request.user, today=today, horizon_days=horizon)
    else:
        rows = open_deadlines_for_user(request.user, officer_id=request.user.pk, today=today, horizon_days=horizon)
    # Counted (one aggregate) and paginated in the database: only the page's rows are read, whatever the scope.
    counts = rows.order_by().aggregate(total=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    paginator = Paginator(rows, 100)
    paginator.count = counts["total"]
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = due_items(page.object_list, today=today)
    context = {
        **admin.site.each_context(request),
        "title": _("Legal deadlines"),
        "items": page.object_list,
        "page": page,
        "horizon": horizon,
        "today": today,
        "unit_view": unit_view,
        "profile": profile,
        "overdue_count": counts["overdue"],
    }
    return render(request, "cases/deadlines.html", context)
