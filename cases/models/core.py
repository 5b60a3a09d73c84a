"""Cases, their parties and their append-only event history.

A case's status and amounts are *derived* from its events (cases.workflow). The columns marked "cache"
below are kept in step by cases.services inside the same transaction as the event that changes them;
tests/cases/test_cache.py rebuilds them from the events and compares.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.codes import (
    ENDED_STATUSES,
    Category,
    EventKind,
    EventSource,
    JudgmentType,
    Origin,
    PartyKind,
    PartyRole,
    Status,
)
from thads.core.text import fold


class Case(models.Model):
    """One enforcement decision (quyết định thi hành án) is one case (việc)."""

    case_no = models.CharField(_("case number"), max_length=64, unique=True)
    decision_no = models.CharField(_("enforcement decision number"), max_length=64)
    accepted_on = models.DateField(_("acceptance date (date of the decision)"))
    # The date the statistics count the acceptance on: the legal date, unless the period containing it had
    # already been closed when the case was recorded — then the first day after that period (domain.md §6:
    # corrections land in the open period). Written by cases.services.
    stat_accepted_on = models.DateField(_("statistical acceptance date"))
    received_on = models.DateField(
        _("date the request or judgment was received"), null=True, blank=True,
        help_text=_("Starts the deadline for the enforcement decision (5 working days)."))
    notified_on = models.DateField(
        _("date the decision was notified"), null=True, blank=True,
        help_text=_("Starts the voluntary compliance period (10 days); if empty, it runs from the acceptance date."))
    judgment_court = models.CharField(_("court that gave the judgment"), max_length=255, blank=True)
    judgment_no = models.CharField(_("judgment / decision number"), max_length=64, blank=True)
    judgment_date = models.DateField(_("judgment date"), null=True, blank=True)
    judgment_type = models.CharField(_("judgment type"), max_length=32, choices=JudgmentType.choices)
    unit = models.ForeignKey("org.Unit", verbose_name=_("accepting unit"), on_delete=models.PROTECT,
                             related_name="cases")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned enforcement officer"),
                                null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases")
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    amount_due = models.BigIntegerField(_("amount due (VND)"))
    creditor_bank = models.ForeignKey("banks.Bank", verbose_name=_("creditor bank"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="cases")

    # Cache of the state derived from the events (cases.workflow.replay); written only by cases.services.
    status = models.CharField(_("status"), max_length=32, choices=Status.choices,
                              default=Status.WITH_CONDITIONS)
    status_ground = models.CharField(_("ground"), max_length=32, blank=True)
    amount_collected = models.BigIntegerField(_("collected (VND)"), default=0)
    amount_reduced = models.BigIntegerField(_("reduced (VND)"), default=0)
    amount_terminated = models.BigIntegerField(_("terminated (VND)"), default=0)
    amount_remaining = models.BigIntegerField(_("remaining (VND)"))
    last_event_on = models.DateField(_("date of the latest event"), null=True, blank=True)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    event_count = models.PositiveIntegerField(_("number of events"), default=0)
    # Cache of the earliest officer duty not yet met (cases.deadlines on the working-day calendar), null when
    # none or when the case has ended; kept in step by cases.services.deadlines.case_deadlines_refresh in the
    # transaction of every write that can move a deadline, with the open duties themselves in OpenDeadline.
    next_due_on = models.DateField(_("next deadline"), null=True, blank=True)
    next_due_kind = models.CharField(_("next deadline's step"), max_length=32, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("enforcement case")
        verbose_name_plural = _("enforcement cases")
        ordering = ["-accepted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_due__gte=0), name="case_amount_due_not_negative"),
            models.CheckConstraint(
                condition=(Q(category=Category.TIN_DUNG_NGAN_HANG, creditor_bank__isnull=False)
                           | (~Q(category=Category.TIN_DUNG_NGAN_HANG) & Q(creditor_bank__isnull=True))),
                name="case_bank_iff_credit_category",
            ),
            models.CheckConstraint(
                condition=Q(amount_remaining=F("amount_due") - F("amount_collected") - F("amount_reduced")
                            - F("amount_terminated")),
                name="case_remaining_consistent",
            ),
            models.CheckConstraint(condition=Q(amount_remaining__gte=0), name="case_remaining_not_negative"),
            models.CheckConstraint(condition=Q(category=Category.NGAN_SACH) | Q(amount_reduced=0),
                                   name="case_reduction_only_budget"),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="case_unit_status"),
            models.Index(fields=["officer", "status"], name="case_officer_status"),
            models.Index(fields=["creditor_bank", "accepted_on"], name="case_bank_accepted"),
            # The bank API's export reads a bank's cases in id order, a chunk at a time (banks.selectors
            # .bank_case_export): each chunk one range of this index, however many cases the bank has.
            models.Index(fields=["creditor_bank", "id"], name="case_bank_id"),
            models.Index(fields=["accepted_on"], name="case_accepted_on"),
            models.Index(fields=["stat_accepted_on"], name="case_stat_accepted_on"),
            models.Index(fields=["officer", "next_due_on"], name="case_officer_next_due"),
            models.Index(fields=["unit", "next_due_on"], name="case_unit_next_due"),
            # The review (cases.selectors_pages.review_rows) counts a unit's open cases per officer from this
            # index alone on PostgreSQL (an index-only scan: no visit to a million-row table's pages).
            models.Index(fields=["unit", "officer"], name="case_open_review", condition=~Q(status__in=sorted(
                ENDED_STATUSES)), include=["id", "status", "status_ground", "last_event_on", "accepted_on",
                                           "next_due_on", "amount_remaining"]),
        ]

    def __str__(self) -> str:
        return self.case_no


class Party(models.Model):
    """A debtor or creditor of a case; a case may have several of each."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("party role"), max_length=16, choices=PartyRole.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=PartyKind.choices, default=PartyKind.PERSON)
    name = models.CharField(_("name of the person / organisation"), max_length=255)
    # The name folded (thads.core.text.fold: no case, no diacritics, đ → d), for searching as people type.
    name_folded = models.CharField(_("name (for search)"), max_length=255, editable=False, default="")
    id_number = models.CharField(_("citizen ID number / enterprise code"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("added at"), auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case_id", "role", "id"]
        indexes = [models.Index(fields=["name"], name="party_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class PartyCorrection(models.Model):
    """One field of a party corrected (cases.services.party_correct): the value before and after, why and by
    whom. Immutable: rows are inserted, never changed, so a party's earlier identity stays on record."""

    class Field(models.TextChoices):
        NAME = "name", _("Name")
        ID_NUMBER = "id_number", _("Citizen ID number / enterprise code")
        ADDRESS = "address", _("Address")
        KIND = "kind", _("Kind")

    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(_("corrected field"), max_length=16, choices=Field.choices)
    old_value = models.CharField(_("value before"), max_length=500, blank=True)
    new_value = models.CharField(_("value after"), max_length=500, blank=True)
    reason = models.TextField(_("reason"))
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("corrected by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("party correction")
        verbose_name_plural = _("party corrections")
        ordering = ["party_id", "corrected_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(old_value=F("new_value")), name="party_correction_changes"),
            models.CheckConstraint(condition=~Q(reason=""), name="party_correction_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.party_id} {self.field}: {self.old_value} → {self.new_value}"


class CaseEvent(models.Model):
    """One dated step of a case. Append-only: rows are inserted by cases.services and never changed."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField(_("sequence"))
    date = models.DateField(_("date"))
    # As Case.stat_accepted_on: the legal date, or the first day after the closed period it fell in.
    stat_date = models.DateField(_("statistical date"))
    kind = models.CharField(_("event kind"), max_length=32, choices=EventKind.choices)
    amount = models.BigIntegerField(_("amount (VND)"), null=True, blank=True)
    ground = models.CharField(_("ground"), max_length=32, blank=True)
    ground_arose_on = models.DateField(
        _("date the ground arose"), null=True, blank=True,
        help_text=_("Starts the deadline for the decision (5 working days)."))
    note = models.TextField(_("note"), blank=True)
    # A correction (kind dinh_chinh) cancels one earlier event of the same case, at most once; its ``note``
    # holds the reason. The cancelled row itself is never changed: read ``cancelled_by`` to know.
    cancels = models.OneToOneField("self", verbose_name=_("cancels event"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="cancelled_by")
    # The case's state right after this event (cases.workflow). Written once with the row, never changed:
    # events are only appended, so the state after an event is final. The statistics read the state on any
    # date from the last event on or before it, without replaying histories.
    status_after = models.CharField(_("status after the event"), max_length=32, choices=Status.choices)
    ground_after = models.CharField(_("ground after the event"), max_length=32, blank=True)
    collected_after = models.BigIntegerField(_("collected to date"))
    reduced_after = models.BigIntegerField(_("reduced to date"))
    terminated_after = models.BigIntegerField(_("terminated to date"))
    remaining_after = models.BigIntegerField(_("remaining after the event"))
    source = models.CharField(_("entry source"), max_length=16, choices=EventSource.choices, default=EventSource.WEB)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["case_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="event_case_sequence_unique"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="event_amount_positive"),
            models.CheckConstraint(condition=Q(remaining_after__gte=0), name="event_remaining_after_not_negative"),
            models.CheckConstraint(
                condition=(Q(kind__in=[EventKind.THU_TIEN, EventKind.GIAM], amount__isnull=False)
                           | (~Q(kind__in=[EventKind.THU_TIEN, EventKind.GIAM]) & Q(amount__isnull=True))),
                name="event_amount_iff_money_kind",
            ),
            models.CheckConstraint(
                condition=(Q(kind=EventKind.DINH_CHINH, cancels__isnull=False)
                           | (~Q(kind=EventKind.DINH_CHINH) & Q(cancels__isnull=True))),
                name="event_cancels_iff_correction",
            ),
        ]
        indexes = [
            models.Index(fields=["date", "kind"], name="event_date_kind"),
            models.Index(fields=["kind", "date"], name="event_kind_date"),
            models.Index(fields=["stat_date"], name="event_stat_date"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.kind} {self.date}"


class OpenDeadline(models.Model):
    """An officer duty of an open case not yet met (cases.deadlines: ``duty and met_on is None``), cached so
    the deadline lists filter, count, order and paginate in the database. Derived data: written only by
    cases.services.deadlines.case_deadlines_refresh, in the same transaction as the change that moved it, and
    rebuilt by ``manage.py deadlines_refresh``. ``position`` is the duty's place in the case's own list (by due
    date, then step), which orders duties of one case falling due on the same day as the computation does."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="open_deadlines")
    kind = models.CharField(_("step"), max_length=32)
    due_on = models.DateField(_("due date"))
    regime = models.CharField(_("legal regime"), max_length=32)
    reference = models.CharField(_("reference"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))
    # The case number, copied (it never changes) so the national list orders by (due date, case number) on
    # one index without joining a million cases.
    case_no = models.CharField(_("case number"), max_length=64)

    class Meta:
        verbose_name = _("open deadline")
        verbose_name_plural = _("open deadlines")
        ordering = ["due_on", "case_no", "position"]
        indexes = [models.Index(fields=["due_on", "case_no", "position"], name="open_deadline_order")]
        constraints = [models.UniqueConstraint(fields=["case", "position"], name="open_deadline_position_unique")]

    def __str__(self) -> str:
        return f"{self.case_no} {self.kind} {self.due_on}"


class PublicHoliday(models.Model):
    """A day off (public holiday, Tết, compensatory day) or a make-up working day on a weekend.

    Data, not code: the government announces each year's Tết schedule; an administrator adds it here."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DAY_OFF)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("public holiday / make-up working day")
        verbose_name_plural = _("public holidays / make-up working days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class Payout(models.Model):
    """Collected money paid out to a creditor (chi trả). The 10-day payout deadline runs from each
    collection until payouts cover it. The legal order of payment builds on this (assets issue)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="payouts")
    paid_on = models.DateField(_("payout date"))
    amount = models.BigIntegerField(_("amount (VND)"))
    recipient = models.CharField(_("recipient"), max_length=255)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["case_id", "paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.paid_on} {self.amount}"


class CaseOfficerChange(models.Model):
    """One reassignment of a case's officer (cases.services.case_update and cases_assign), dated by the day it
    took effect. The officer of record on a day is the ``officer_before`` of the first change dated after it,
    or the case's current officer when there is none: reports.engine reads the officer of record at a closed
    period's end that way, so a reassignment never moves a closed period's per-officer figures. Only changes
    are kept (no row for the first assignment), so a case never reassigned costs nothing."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="officer_changes")
    changed_on = models.DateField(_("effective date"))
    officer_before = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("officer before"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    officer_after = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("officer after"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("officer reassignment")
        verbose_name_plural = _("officer reassignments")
        ordering = ["case_id", "changed_on", "id"]
        indexes = [models.Index(fields=["case", "changed_on"], name="officer_change_case_day")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.changed_on} {self.officer_before_id} → {self.officer_after_id}"


class CaseChange(models.Model):
    """An outbox of changes to cases: the bank API's change feed reads it. Written by cases.services in the
    same transaction as the change itself, with ``position`` null; the relay
    (cases.services.changes.case_changes_number) gives it its position after the transaction commits, in commit
    order, and the feed is read by position (docs/architecture.md, "The change feed")."""

    class Kind(models.TextChoices):
        CASE_CREATED = "case_created", _("Case accepted")
        EVENT_RECORDED = "event_recorded", _("Event recorded")
        STATUS_CHANGED = "status_changed", _("Case status changed")
        SEIZURE_RECORDED = "seizure_recorded", _("Asset seized")
        SEIZURE_RELEASED = "seizure_released", _("Seizure released")
        VALUATION_RECORDED = "valuation_recorded", _("Asset valued")
        AUCTION_ROUND_RECORDED = "auction_round_recorded", _("Auction round held")
        OFFER_MADE = "offer_made", _("Asset offered to the creditor")
        OFFER_ANSWERED = "offer_answered", _("Creditor answered the offer")
        PAYOUT_RECORDED = "payout_recorded", _("Money paid out to the creditor")
        DISTRIBUTION_SHARE_RECORDED = "distribution_share_recorded", _("Share of an asset's proceeds")
        COMMITMENT_CREATED = "commitment_created", _("Dialogue commitment recorded")
        COMMITMENT_UPDATED = "commitment_updated", _("Dialogue commitment changed")
        COMMITMENT_DONE = "commitment_done", _("Dialogue commitment done")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    event = models.ForeignKey(CaseEvent, verbose_name=_("event"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    # What the bank API shows of the change (banks.api.serializers.BankChangeSerializer), written with it by
    # cases.changes: small, dates as ISO text, money as integers, codes not labels. Empty for case_created and
    # event_recorded, which the API reads from the case and the event.
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # The case's status right after the change ("" on rows older than this column: read from the event).
    case_status = models.CharField(_("case status after the change"), max_length=32, blank=True, default="")
    # (Not indexed: the feed is read by position; no query selects by this time, and every row written and numbered
    # kept one more index.)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Null until the relay numbers the committed row; never changes afterwards. Unique: the feed's cursor.
    position = models.BigIntegerField(_("feed position"), null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("case change")
        verbose_name_plural = _("case changes")
        ordering = ["id"]
        # The relay's work list: the rows still to number, by id, without sorting every one of them after an
        # import of a million changes. Empty most of the time.
        indexes = [models.Index(fields=["id"], condition=Q(position__isnull=True), name="casechange_unnumbered")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.case_id}"
