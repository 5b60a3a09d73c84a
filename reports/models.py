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
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text=_("Empty: every unit (a national refresh)."))
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


class CaseYearFact(models.Model):
    """One case in one fiscal year in which it is counted (carried over or new, domain.md §6): what the
    engine needs for the period [1 October, 30 September] of that year, by statistical dates. Written only by
    reports.facts (the services call it in the same transaction as the write that changes a row).

    The state at the end is the state after the last event on or before the year's end; collected and
    reduced are the year's amounts. ``last_stat_date`` is the latest statistical date the row reflects (its
    acceptance or an event within the year): a year-to-date report on a day after every row's
    ``last_stat_date`` reads the same rows as the whole year."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="year_facts", db_constraint=False)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+", db_constraint=False)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("officer"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    category = models.CharField(_("category"), max_length=32)
    origin = models.CharField(_("origin"), max_length=16)
    carried = models.BooleanField(_("carried over"))
    is_new = models.BooleanField(_("new"))
    base_money = models.BigIntegerField(_("money at the start (VND)"))
    status_end = models.CharField(_("status at the end"), max_length=32)
    ground_end = models.CharField(_("ground at the end"), max_length=32, blank=True)
    remaining_end = models.BigIntegerField(_("remaining at the end (VND)"))
    terminated_end = models.BigIntegerField(_("terminated to the end (VND)"))
    collected = models.BigIntegerField(_("collected in the year (VND)"))
    reduced = models.BigIntegerField(_("reduced in the year (VND)"))
    last_stat_date = models.DateField(_("latest statistical date"))
    # (No database foreign keys: the bulk rebuild inserts hundreds of thousands of rows at once, and the rows
    # are derived from cases that hold those keys already. Django still applies on_delete.)

    class Meta:
        verbose_name = _("case-year fact")
        verbose_name_plural = _("case-year facts")
        constraints = [models.UniqueConstraint(fields=["case", "fiscal_year"], name="fact_case_year_unique")]
        indexes = [
            models.Index(fields=["fiscal_year", "unit"], name="fact_year_unit"),
            models.Index(fields=["fiscal_year", "last_stat_date"], name="fact_year_last_stat"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} FY{self.fiscal_year}"


class FactsCoverage(models.Model):
    """A single row: the facts are complete (every counted case has its row) for every fiscal year up to
    ``complete_through``. None: never built — the engine reads the events. The rollover extends it."""

    complete_through = models.PositiveSmallIntegerField(_("complete through fiscal year"), null=True, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)

    class Meta:
        verbose_name = _("facts coverage")
        verbose_name_plural = _("facts coverage")

    def __str__(self) -> str:
        return f"facts ≤ FY{self.complete_through}"


class FormColumnOverride(models.Model):
    """An administrator's correction of one column of an official form (reports.forms.definitions): its
    heading and its position. The figure behind the column is not editable (it is a counting rule)."""

    form_code = models.CharField(_("form"), max_length=32)
    column_key = models.CharField(_("column"), max_length=64)
    heading = models.CharField(_("heading"), max_length=255, blank=True,
                               help_text=_("Empty: the heading of the definition."))
    position = models.PositiveSmallIntegerField(_("position"), null=True, blank=True,
                                                help_text=_("Empty: the position of the definition (1 = first)."))
    note = models.CharField(_("source of the correction"), max_length=255, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("form column correction")
        verbose_name_plural = _("form column corrections")
        ordering = ["form_code", "position", "column_key"]
        constraints = [models.UniqueConstraint(fields=["form_code", "column_key"], name="form_column_unique")]

    def __str__(self) -> str:
        return f"{self.form_code} · {self.column_key}"
