"""Targets, statistical periods, snapshots and the jobs that compute them."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    CASES = "cases", _("Cases (việc)")
    MONEY = "money", _("Money (tiền)")


class Target(models.Model):
    """The completion-rate target (chỉ tiêu) of a unit for a fiscal year, in percent, set centrally."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="targets")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    metric = models.CharField(_("metric"), max_length=8, choices=Metric.choices)
    value = models.DecimalField(_("target rate (%)"), max_digits=5, decimal_places=2)
    decision_ref = models.CharField(_("decision reference"), max_length=255, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-fiscal_year", "unit__code", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "fiscal_year", "metric"], name="target_unique_per_unit_year"),
            models.CheckConstraint(condition=Q(value__gte=0) & Q(value__lte=100), name="target_value_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} FY{self.fiscal_year} {self.metric} {self.value}%"


class ClosedPeriod(models.Model):
    """A reporting period closed by a statistician: its snapshots never change again, and an event recorded
    later with a date inside it counts, for statistics, on the first day after it (its legal date is kept)."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="closed_periods")
    end = models.DateField(_("period end"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["-end", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["unit", "end"], name="closed_period_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} ≤ {self.end}"


class Snapshot(models.Model):
    """The figures of one unit (with its subtree) for one period and category, as computed by a job.
    Upserted per (unit, period start, period end, category); frozen once the period is closed."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="snapshots")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    category = models.CharField(_("category"), max_length=32, blank=True, help_text=_("Empty: all categories."))
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"))
    job = models.ForeignKey("reports.StatsJob", verbose_name=_("job"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="snapshots")

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["-period_end", "unit__code", "category"]
        constraints = [models.UniqueConstraint(fields=["unit", "period_start", "period_end", "category"],
                                               name="snapshot_unique")]
        indexes = [models.Index(fields=["period_end", "category"], name="snapshot_end_category")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_start}…{self.period_end} {self.category or '*'}"


class StatsJob(models.Model):
    """One run of a statistics job: what a page polls for status and progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=32)
    params = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    worker = models.CharField(_("worker"), max_length=255, blank=True,
                              help_text=_("The Celery worker that ran it; empty when it ran in-process."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statistics job")
        verbose_name_plural = _("statistics jobs")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_percent")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"
