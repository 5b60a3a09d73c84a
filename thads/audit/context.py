"""Through which door a write came (page, admin, API, import, command, job), known to the services without
passing it through every call: the door sets it once (the middleware per request, manage.py for commands,
Celery's task signals for jobs, the importers around their work) and ``audit_record`` reads it."""
from contextlib import contextmanager, suppress
from contextvars import ContextVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    PAGE = "page", _("Officers' page")
    ADMIN = "admin", _("Admin site")
    API = "api", _("Bank API")
    IMPORT = "import", _("Import")
    COMMAND = "command", _("Command line")
    JOB = "job", _("Background job")
    SYSTEM = "system", _("System")


_source: ContextVar[str] = ContextVar("thads_audit_source", default=Source.SYSTEM)


def current_source() -> str:
    return _source.get()


@contextmanager
def audit_source(source: str):
    """Record every write made inside the block as coming through ``source``."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def set_source(source: str):
    """Set the source for the rest of this context (a process, a request); returns the token to reset it."""
    return _source.set(source)


def source_of_path(path: str) -> str:
    if path.startswith("/admin/"):
        return Source.ADMIN
    if path.startswith("/api/"):
        return Source.API
    return Source.PAGE


class AuditSourceMiddleware:
    """Every request's writes are recorded as coming from the officers' pages, the admin or the bank API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _source.set(source_of_path(request.path_info))
        try:
            return self.get_response(request)
        finally:
            _source.reset(token)


_job_tokens: dict[str, object] = {}


def job_started(task_id=None, **_kwargs):
    _job_tokens[task_id] = _source.set(Source.JOB)


def job_finished(task_id=None, **_kwargs):
    token = _job_tokens.pop(task_id, None)
    if token is not None:
        with suppress(ValueError):  # set in another context (an eager task run elsewhere): leave it
            _source.reset(token)
