"""The official forms of a unit (reports.forms): choose a form and a period, the export runs as a job on the
``exports`` queue (in-process without a broker), the page shows its progress and the file to download."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.filters import FormExportForm
from reports.forms.definitions import FORMS
from reports.forms.services import form_export_request
from reports.models import StatsJob
from reports.selectors import form_exports_for
from reports.services import last_complete_month_end
from reports.views.common import unit_for
from thads.core.dates import fiscal_year_of
from thads.core.errors import DomainError

RECENT = 10


@login_required
def forms_page(request, code: str):
    unit = unit_for(request, code)
    today = timezone.localdate()
    if request.method == "POST":
        form = FormExportForm(request.POST, today=today)
        if form.is_valid():
            try:
                job = form_export_request(actor=request.user, form_code=form.cleaned_data["form"], unit=unit,
                                          fiscal_year=form.cleaned_data["year"], months=form.cleaned_data["months"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if job.status == StatsJob.Status.FAILED:
                    messages.error(request, _("The export failed: %(error)s") % {"error": job.error})
                return redirect("reports:forms", code=unit.code)
    else:
        initial = {"year": request.GET.get("year"), "months": request.GET.get("months")}
        if not initial["year"]:  # the latest period that has ended: to the end of last month
            last = last_complete_month_end(today)
            initial = {"year": fiscal_year_of(last), "months": (last.month - 10) % 12 + 1}
        initial["months"] = initial["months"] or 12
        form = FormExportForm(initial={k: v for k, v in initial.items() if v}, today=today)
    jobs = list(form_exports_for(request.user, unit)[:RECENT])
    for job in jobs:
        definition = FORMS.get(job.params.get("form"))
        job.form_label = definition.number if definition else job.params.get("form")
    running = any(job.status in (StatsJob.Status.PENDING, StatsJob.Status.RUNNING) for job in jobs)
    return render(request, "reports/forms.html", {
        "title": _("Official forms") + f" — {unit.name}", "unit": unit, "form": form, "jobs": jobs,
        "running": running, "definitions": FORMS.values(),
    })


@login_required
def forms_download(request, code: str, job_id: int):
    unit = unit_for(request, code)
    job = form_exports_for(request.user, unit).filter(pk=job_id, status=StatsJob.Status.SUCCEEDED).first()
    if job is None or not job.params.get("file"):
        raise Http404(_("No such export."))
    try:
        handle = open(job.params["file"], "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError:
        raise Http404(_("The file of this export is no longer kept; export it again.")) from None
    return FileResponse(handle, as_attachment=True, filename=job.params.get("name") or "bieu.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
