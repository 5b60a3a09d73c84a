"""Exporting an official form: a job (reports.models.StatsJob, kind "form_export") that a page polls, run by a
Celery task on the ``exports`` queue (in-process when there is no broker), writing the file under
settings.EXPORTS_DIR. Who may export: whoever reads the unit's dashboard (reports.selectors)."""
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.forms.build import form_build
from reports.forms.definitions import FORMS, FormDefinition
from reports.forms.excel import file_name, write_form
from reports.models import StatsJob
from reports.selectors import can_see_dashboard, dashboard_unit
from reports.services import job_create, job_update
from thads.core.errors import DomainError, PermissionDeniedError
from thads.org.models import Unit

KIND = "form_export"


def form_definition(code: str) -> FormDefinition:
    form = FORMS.get(code)
    if form is None:
        raise DomainError(_("Unknown form «%(code)s»; use one of: %(valid)s.") % {
            "code": code, "valid": ", ".join(FORMS)}, code="invalid_choice", field="form")
    return form


def form_export_file(*, form_code: str, unit: Unit, fiscal_year: int, months: int, target,
                     include_cases: bool = True, progress=None) -> str:
    """Build the form and write it to ``target`` (a path or a binary file); returns the file's usual name.
    Raises DomainError for an unknown form or a bad period (nothing is written)."""
    form = form_definition(form_code)
    data = form_build(form=form, unit=unit, fiscal_year=fiscal_year, months=months)
    write_form(data, target, include_cases=include_cases, progress=progress, today=timezone.localdate())
    return file_name(data)


def form_export_request(*, actor, form_code: str, unit: Unit, fiscal_year: int, months: int) -> StatsJob:
    """Check the request and queue the export; returns its job (run in-process when there is no broker)."""
    from reports.tasks import export_form

    if not can_see_dashboard(actor) or dashboard_unit(actor, unit.code) is None:
        raise PermissionDeniedError(_("Only the unit's heads and statisticians may export its forms."))
    form_definition(form_code)
    if not isinstance(months, int) or not 1 <= months <= 12:
        raise DomainError(_("A reporting period is 1 to 12 months of a fiscal year."), code="invalid_period",
                          field="months")
    job = job_create(kind=KIND, actor=actor, unit=unit,
                     params={"form": form_code, "fiscal_year": fiscal_year, "months": months})
    export_form.apply_async(args=[job.pk], queue="exports")
    job.refresh_from_db()
    return job


def form_export_run(*, job: StatsJob) -> str:
    """Run an export job: progress per row of cases written, the file under EXPORTS_DIR, its name in
    ``params["file"]`` and ``params["name"]``."""
    params = job.params
    job_update(job, status=StatsJob.Status.RUNNING, progress=1, started_at=timezone.now())
    directory = Path(settings.EXPORTS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"form-export-{job.pk}.xlsx"

    def progress(done: int, total: int) -> None:
        job_update(job, progress=min(99, 1 + int(done * 98 / max(total, 1))))

    name = form_export_file(form_code=params["form"], unit=job.unit, fiscal_year=params["fiscal_year"],
                            months=params["months"], target=path, progress=progress)
    job_update(job, params={**params, "file": str(path), "name": name}, status=StatsJob.Status.SUCCEEDED,
               progress=100, finished_at=timezone.now(), message=name)
    return str(path)


def may_correct_forms(user) -> bool:
    """Form layouts are national: central administrators (and superusers) correct them."""
    from thads.org.selectors import sees_everything

    return sees_everything(user)


def form_column_override_set(*, actor, form_code: str, column_key: str, heading: str = "",
                             position: int | None = None, note: str = ""):
    """Correct one column of a form: its heading (empty: the definition's) and its position (None: the
    definition's). Raises DomainError for an unknown form or column, PermissionDeniedError for anyone but a
    central administrator."""
    from reports.models import FormColumnOverride

    if actor is not None and not may_correct_forms(actor):
        raise PermissionDeniedError(_("Only a central administrator may correct the official forms."))
    form_column_override_check(form_code=form_code, column_key=column_key, position=position)
    override, _created = FormColumnOverride.objects.update_or_create(
        form_code=form_code, column_key=column_key,
        defaults={"heading": heading.strip(), "position": position, "note": note.strip(), "updated_by": actor})
    return override


def form_column_override_check(*, form_code: str, column_key: str, position: int | None) -> None:
    """Raise DomainError unless ``column_key`` is a column of form ``form_code`` and ``position`` fits it."""
    form = form_definition(form_code)
    keys = [column.key for column in form.columns]
    if column_key not in keys:
        raise DomainError(_("Form %(form)s has no column «%(column)s»; its columns are: %(valid)s.") % {
            "form": form_code, "column": column_key, "valid": ", ".join(keys)}, code="invalid_choice",
            field="column_key")
    if position is not None and not 1 <= position <= len(keys):
        raise DomainError(_("A position is between 1 and %(count)s.") % {"count": len(keys)}, code="invalid_value",
                          field="position")
