"""Home routing and "Việc của tôi" (my work), the officers' landing page."""
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.codes import Category, Status
from cases.selectors_pages import my_work, recent_cases
from cases.views.actions import deadline_action
from dialogues.selectors import open_commitments_of_officer
from thads.core.navigation import home_url_for

RECENT_SESSION_KEY = "recent_cases"
RECENT_KEEP = 8


def remember_case(request, case_id: int) -> None:
    """Keep the case among the recently opened ones (newest first) in the person's session."""
    recent = [pk for pk in request.session.get(RECENT_SESSION_KEY, []) if pk != case_id]
    request.session[RECENT_SESSION_KEY] = [case_id, *recent][:RECENT_KEEP]


@login_required
def home(request):
    return redirect(home_url_for(request.user))


@login_required
def work(request):
    today = timezone.localdate()
    step = request.GET.get("step", "")
    status = request.GET.get("status", "") if request.GET.get("status", "") in Status.values else ""
    category = request.GET.get("category", "") if request.GET.get("category", "") in Category.values else ""
    queue = my_work(request.user, today=today, step=step, status=status, category=category,
                    page=request.GET.get("page"))
    for row in [*queue.overdue, *queue.upcoming]:
        row.action_url, row.action_label = deadline_action(row.deadline, row.case.pk)
    context = {
        "title": _("My work"),
        "today": today,
        "queue": queue,
        "filters": {"step": step, "status": status, "category": category},
        "status_choices": Status.choices,
        "category_choices": Category.choices,
        # The commitments this officer owes from the dialogues with the banks (overdue ones flagged).
        "commitments": list(open_commitments_of_officer(request.user, today=today)),
        "recent": recent_cases(request.user, request.session.get(RECENT_SESSION_KEY, [])),
        "filtered": bool(step or status or category),
        "querystring": urlencode({key: value for key, value in (("step", step), ("status", status),
                                                               ("category", category)) if value}),
    }
    return render(request, "cases/pages/work.html", context)
