from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "thads.audit"
    label = "audit"
    verbose_name = _("Audit trail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from celery.signals import task_postrun, task_prerun

        from thads.audit.context import job_finished, job_started

        task_prerun.connect(job_started, dispatch_uid="thads.audit.job_started", weak=False)
        task_postrun.connect(job_finished, dispatch_uid="thads.audit.job_finished", weak=False)
