"""Rà soát án: the unit head's review of the unit's officers, each number opening its cases, and the
cases assigned or reassigned in bulk (cases.services.cases_assign)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.selectors import assignable_officers, can_assign_officers
from cases.selectors_pages import REVIEW_CLASSES, parties_of, review_cases, review_rows
from cases.services import cases_assign
from thads.core.errors import DomainError
from thads.org.models import Role
from thads.org.selectors import officer_profile_of, sees_everything

PAGE_SIZE = 50


def _review_unit(request):
    profile = officer_profile_of(request.user)
    if profile is None and not sees_everything(request.user):
        raise PermissionDenied(_("The review is for unit heads and statisticians."))
    if profile is not None and profile.role == Role.OFFICER:
        raise PermissionDenied(_("The review is for unit heads and statisticians."))
    return profile.unit if profile is not None else None


@login_required
def review(request):
    unit = _review_unit(request)
    today = timezone.localdate()
    rows = review_rows(request.user, unit=unit, today=today)
    totals = {key: sum(row[key] for row in rows) for key in ("open", "with_conditions", "overdue", "stale", "old",
                                                               "remaining")}
    return render(request, "cases/pages/review.html", {
        "title": _("Case review"), "unit": unit, "rows": rows, "totals": totals, "today": today,
        "classes": REVIEW_CLASSES})


@login_required
def review_list(request):
    unit = _review_unit(request)
    today = timezone.localdate()
    review_class = request.GET.get("class", "open")
    if review_class not in REVIEW_CLASSES:
        review_class = "open"
    try:
        officer_id = int(request.GET.get("officer", "0"))
    except ValueError:
        officer_id = 0
    may_assign = can_assign_officers(request.user)
    officers = list(assignable_officers(request.user)) if may_assign else []
    if request.method == "POST":
        if not may_assign:
            raise PermissionDenied(_("Only unit heads assign enforcement officers."))
        chosen = [int(pk) for pk in request.POST.getlist("case") if pk.isdigit()]
        target = next((o for o in officers if str(o.pk) == request.POST.get("assign_to")), None)
        if not chosen or target is None:
            messages.error(request, _("Choose at least one case and the officer to assign them to."))
        else:
            allowed = set(review_cases(request.user, unit=unit, officer_id=officer_id, review_class=review_class,
                                       today=today).filter(pk__in=chosen).values_list("pk", flat=True))
            try:
                changed = cases_assign(actor=request.user, case_ids=sorted(allowed), officer=target)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("%(count)s case(s) assigned to %(officer)s.") % {
                    "count": changed, "officer": target.officer_profile.full_name})
        return redirect(request.get_full_path())
    cases = review_cases(request.user, unit=unit, officer_id=officer_id, review_class=review_class, today=today)
    page = Paginator(cases.select_related("unit"), PAGE_SIZE).get_page(request.GET.get("page"))
    parties = parties_of([case.pk for case in page.object_list])
    for case in page.object_list:
        case.debtor_names = parties.get(case.pk, {}).get("debtor", [])
    officer_name = next((o.officer_profile.full_name for o in assignable_officers(request.user)
                         if o.pk == officer_id), _("Not assigned"))
    return render(request, "cases/pages/review_list.html", {
        "title": f"{REVIEW_CLASSES[review_class]} — {officer_name}", "page": page, "officers": officers,
        "may_assign": may_assign, "review_class": review_class, "officer_id": officer_id,
        "back_url": reverse("cases:review"),
        "querystring": f"class={review_class}&officer={officer_id}"})
