"""Targets, statistical periods, snapshots and the jobs that compute them."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from reports.indicators import BASE_COUNTS, BASE_MONEY, LABELS


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
    heartbeat_at = models.DateTimeField(
        _("last sign of life"), null=True, blank=True,
        help_text=_("When the job was last queued or last reported from its worker; a pending or running job "
                    "silent for longer than STATS_JOB_STALE_SECONDS is retried or failed."))
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times a worker started it (at most STATS_JOB_MAX_ATTEMPTS)."))

    class Meta:
        verbose_name = _("statistics job")
        verbose_name_plural = _("statistics jobs")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_percent")]
        # The stale-job sweep reads only the unfinished jobs.
        indexes = [models.Index(fields=["status"], name="job_unfinished",
                                condition=Q(status__in=["pending", "running"]))]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"


class CaseYearFact(models.Model):
    """One case in one fiscal year in which it is counted (carried over or new, domain.md §6): what the
    engine needs for the period [1 October, 30 September] of that year, by statistical dates. Written only by
    reports.facts (the services call it in the same transaction as the write that changes a row).

    The state at the end is the state after the last event on or before the year's end; collected and
    reduced are the year's amounts. ``last_stat_date`` is the latest statistical date the row reflects (its
    acceptance or an event within the year): a year-to-date report on a day after every row's
    ``last_stat_date`` reads the same rows as the whole year. The state at the start (before 1 October), the
    acceptance date and ``first_stat_date`` (the earliest statistical date of an event within the year)
    answer a period ending before ``first_stat_date``: the case is then still as it was at the start."""

    # (No index of its own on case or unit: the unique (case, fiscal_year) serves a case's rows, every read of a
    # unit's rows names the year (fact_year_unit_stat); fewer indexes to keep on every fact row written. The
    # officer's index leaves out the rows of cases assigned to nobody: see Meta.)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="year_facts", db_constraint=False, db_index=False)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+", db_constraint=False, db_index=False)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("officer"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+", db_constraint=False, db_index=False)
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
    # For a period from 1 October ending within the year (a past month, last year's same period): before
    # first_stat_date the case is as it was at the year's start, so its row answers without its events.
    accepted_on = models.DateField(_("statistical acceptance date"))
    first_stat_date = models.DateField(_("first statistical date in the year"), null=True, blank=True)
    status_start = models.CharField(_("status at the start"), max_length=32)
    ground_start = models.CharField(_("ground at the start"), max_length=32, blank=True)
    remaining_start = models.BigIntegerField(_("remaining at the start (VND)"))
    terminated_start = models.BigIntegerField(_("terminated to the start (VND)"))
    # (No database foreign keys: the bulk rebuild inserts hundreds of thousands of rows at once, and the rows
    # are derived from cases that hold those keys already. Django still applies on_delete.)

    class Meta:
        verbose_name = _("case-year fact")
        verbose_name_plural = _("case-year facts")
        constraints = [models.UniqueConstraint(fields=["case", "fiscal_year"], name="fact_case_year_unique")]
        indexes = [
            # a unit's rows of a year, and among them those reflecting nothing after a date (engine "split")
            models.Index(fields=["fiscal_year", "unit", "last_stat_date"], name="fact_year_unit_stat"),
            models.Index(fields=["fiscal_year", "last_stat_date"], name="fact_year_last_stat"),
            # an officer's rows (and Django's SET_NULL when a user is deleted); the rows of cases assigned to
            # nobody — every row of an import without officers — are not indexed
            models.Index(fields=["officer"], condition=models.Q(officer__isnull=False), name="fact_officer"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} FY{self.fiscal_year}"


class FactGroupSum(models.Model):
    """The base sums of one group (unit, category, origin, officer) in one fiscal year over the per-case facts:
    exactly what ``engine.group_rows`` computes from that year's CaseYearFact rows (one column per
    BASE_COUNTS figure, ``n_*``, and per BASE_MONEY figure, ``m_*``). Kept by reports.facts in the same
    transaction as the fact rows (each write adds the group sums of the rows it inserts and subtracts those of
    the rows it deletes), rebuilt set-based with them and checked by the nightly job. A group's sums are the
    sum of its rows: usually one; more while a transaction could not fold them (reports.facts._sums_add: a
    writer never waits for another's lock on a group). A group whose cases are all gone stays with zeros (the
    engine skips it). ``officer_key`` is the officer's id, 0 for nobody (a group key over nullable columns
    would not compare on PostgreSQL, where NULLs never match)."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+", db_constraint=False)
    category = models.CharField(_("category"), max_length=32)
    origin = models.CharField(_("origin"), max_length=16)
    officer_key = models.IntegerField(_("officer (0: nobody)"))

    class Meta:
        verbose_name = _("group sums of a fiscal year")
        verbose_name_plural = _("group sums of fiscal years")
        # Not unique: a group may hold several rows while a transaction has not folded them (reports.facts).
        indexes = [models.Index(fields=["fiscal_year", "unit", "category", "origin", "officer_key"],
                                name="fact_group_sum_group")]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} {self.unit_id} {self.category} {self.origin} {self.officer_key}"


# One column per base figure, named as the engine's aggregate names them (n_completed, m_collected, …).
for _name in BASE_COUNTS:
    FactGroupSum.add_to_class(f"n_{_name}", models.BigIntegerField(LABELS[_name], default=0))
for _name in BASE_MONEY:
    FactGroupSum.add_to_class(f"m_{_name}", models.BigIntegerField(format_lazy("{} (VND)", LABELS[_name]),
                                                                   default=0))
del _name


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


# ---- the period's sign-off with the procuracy (TTLT 12/2021/TTLT-BTP-VKSNDTC-TANDTC) ---------------------------

INTERAGENCY_MONTHS = (3, 6, 10, 12)  # the interagency periods, each counted from 1 October


class PeriodReport(models.Model):
    """The interagency report of one unit for one period of 3, 6, 10 or 12 months: created when the period is
    closed (reports.signoff.services), with the engine's figures frozen as JSON, then sent, countersigned by
    the procuracy of the same level (or disputed and reconciled) and, for a province, consolidated. Its
    figures never change; corrections found later are ``ReportAdjustment`` rows counted in a later period."""

    class Status(models.TextChoices):
        CLOSED = "closed", _("Data closed, report prepared")
        SENT = "sent", _("Sent to the procuracy")
        DISPUTED = "disputed", _("Difference with the procuracy")
        RESOLVED = "resolved", _("Difference reconciled")
        COUNTERSIGNED = "countersigned", _("Countersigned by the procuracy")
        CONSOLIDATED = "consolidated", _("Consolidated and sent up")

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="period_reports")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    months = models.PositiveSmallIntegerField(_("months"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    closed_period = models.ForeignKey(ClosedPeriod, verbose_name=_("closed period"), on_delete=models.PROTECT,
                                      related_name="reports")
    figures = models.JSONField(_("figures"), help_text=_("The engine's report and its sub-units, as closed."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CLOSED)
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    countersigned_by = models.CharField(_("countersigned by (procuracy)"), max_length=255, blank=True)
    countersigned_on = models.DateField(_("countersigned on"), null=True, blank=True)
    consolidated_on = models.DateField(_("consolidated on"), null=True, blank=True)

    class Meta:
        verbose_name = _("interagency report")
        verbose_name_plural = _("interagency reports")
        ordering = ["-period_end", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period_end"], name="period_report_unique"),
            models.CheckConstraint(condition=Q(months__in=INTERAGENCY_MONTHS), name="period_report_months"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} FY{self.fiscal_year} {self.months}m"


class PeriodReportEvent(models.Model):
    """One step in a report's history (append-only): who did what, when, from which status to which."""

    class Action(models.TextChoices):
        PREPARED = "prepared", _("Data closed, report prepared")
        SENT = "sent", _("Sent to the procuracy")
        COUNTERSIGNED = "countersigned", _("Countersignature recorded")
        DIFFERENCE = "difference", _("Difference recorded")
        RESOLVED = "resolved", _("Difference reconciled")
        CONSOLIDATED = "consolidated", _("Consolidated and sent up")
        ADJUSTMENT = "adjustment", _("Correction recorded, carried into a later period")
        ADJUSTMENT_COUNTED = "adjustment_counted", _("Correction of an earlier period counted")

    report = models.ForeignKey(PeriodReport, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="history")
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    status_from = models.CharField(_("status before"), max_length=16, blank=True)
    status_to = models.CharField(_("status after"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("report history entry")
        verbose_name_plural = _("report history")
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"

    @property
    def status_to_label(self) -> str:
        return PeriodReport.Status(self.status_to).label


class ReportDifference(models.Model):
    """An indicator on which the procuracy holds another figure than the report: both figures, and, once
    reconciled, the figure agreed and why."""

    report = models.ForeignKey(PeriodReport, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="differences")
    indicator = models.CharField(_("indicator"), max_length=48, help_text=_("cases.<name> or money.<name>"))
    agency_value = models.BigIntegerField(_("figure of the enforcement agency"))
    procuracy_value = models.BigIntegerField(_("figure of the procuracy"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    agreed_value = models.BigIntegerField(_("figure agreed"), null=True, blank=True)
    resolution = models.TextField(_("how it was reconciled"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reconciled by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("difference with the procuracy")
        verbose_name_plural = _("differences with the procuracy")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.indicator}: {self.agency_value} / {self.procuracy_value}"


class ReportAdjustment(models.Model):
    """A correction to a report already closed, found later: recorded against that report, counted in the
    next interagency period of the same fiscal year that is still open (``counted_in_end``; its report links
    it when that period is closed). The corrected report's figures never change."""

    report = models.ForeignKey(PeriodReport, verbose_name=_("corrected report"), on_delete=models.PROTECT,
                               related_name="adjustments")
    counted_in_end = models.DateField(_("counted in the period ending"))
    counted_in = models.ForeignKey(PeriodReport, verbose_name=_("counted in report"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="carried_adjustments")
    description = models.TextField(_("what was wrong"))
    case_numbers = models.CharField(_("cases concerned"), max_length=1000, blank=True)
    deltas = models.JSONField(_("change to the figures"), default=dict,
                              help_text=_('{"cases": {"completed": -1}, "money": {"collected": -500000}}'))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction of a closed report")
        verbose_name_plural = _("corrections of closed reports")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.counted_in_end}"


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
