"""The statistics refresh from the dashboard: a statistician asks for it (POST), then follows its progress on
the job's page (a progress bar that updates itself; a plain page that reloads without JavaScript)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.models import StatsJob
from reports.selectors import can_refresh_statistics, stats_jobs_for_user
from reports.services import statistics_refresh_request
from reports.views.common import unit_for
from thads.core.errors import PermissionDeniedError

FINISHED = (StatsJob.Status.SUCCEEDED, StatsJob.Status.FAILED)


@login_required
@require_POST
def refresh(request, code: str):
    unit = unit_for(request, code)
    try:
        job, created = statistics_refresh_request(actor=request.user, unit=unit)
    except PermissionDeniedError as error:
        raise PermissionDenied(str(error)) from None
    if not created:
        messages.info(request, _("A refresh is already under way: its progress is shown here."))
    url = reverse("reports:job", args=[unit.code, job.pk])
    back = request.POST.get("next", "")
    return redirect(url + ("?next=" + back if back.startswith("/dashboard/") else ""))


@login_required
def job(request, code: str, job_id: int):
    unit = unit_for(request, code)
    if not can_refresh_statistics(request.user):
        raise PermissionDenied(_("Only statisticians and central administrators refresh the statistics."))
    job = get_object_or_404(stats_jobs_for_user(request.user), pk=job_id)
    finished = job.status in FINISHED
    if request.GET.get("format") == "json":
        return JsonResponse({"id": job.pk, "status": job.status, "status_label": str(job.get_status_display()),
                             "progress": job.progress, "message": job.message, "finished": finished,
                             "failed": job.status == StatsJob.Status.FAILED})
    back = request.GET.get("next", "")
    if not back.startswith("/dashboard/"):
        back = reverse("reports:unit", args=[unit.code])
    return render(request, "reports/job.html", {
        "title": _("Statistics refresh"), "unit": unit, "job": job, "finished": finished, "back_url": back,
        "poll_url": reverse("reports:job", args=[unit.code, job.pk]) + "?format=json",
    })
