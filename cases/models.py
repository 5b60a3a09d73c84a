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
    Category,
    EventKind,
    EventSource,
    JudgmentType,
    Origin,
    PartyKind,
    PartyRole,
    Status,
)


class Case(models.Model):
    """One enforcement decision (quyết định thi hành án) is one case (việc)."""

    case_no = models.CharField(_("số hồ sơ"), max_length=64, unique=True)
    decision_no = models.CharField(_("số quyết định thi hành án"), max_length=64)
    accepted_on = models.DateField(_("ngày thụ lý (ngày ra quyết định)"))
    received_on = models.DateField(
        _("ngày nhận đơn yêu cầu / bản án"), null=True, blank=True,
        help_text=_("Tính thời hạn ra quyết định thi hành án (5 ngày làm việc)."))
    notified_on = models.DateField(
        _("ngày thông báo quyết định"), null=True, blank=True,
        help_text=_("Tính thời hạn tự nguyện thi hành (10 ngày); để trống thì tính từ ngày thụ lý."))
    judgment_court = models.CharField(_("tòa án ra bản án"), max_length=255, blank=True)
    judgment_no = models.CharField(_("số bản án / quyết định"), max_length=64, blank=True)
    judgment_date = models.DateField(_("ngày bản án"), null=True, blank=True)
    judgment_type = models.CharField(_("loại bản án"), max_length=32, choices=JudgmentType.choices)
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị thụ lý"), on_delete=models.PROTECT,
                             related_name="cases")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("chấp hành viên được phân công"),
                                null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases")
    origin = models.CharField(_("nguồn"), max_length=16, choices=Origin.choices)
    category = models.CharField(_("nhóm việc"), max_length=32, choices=Category.choices)
    amount_due = models.BigIntegerField(_("số tiền phải thi hành (đồng)"))
    creditor_bank = models.ForeignKey("banks.Bank", verbose_name=_("ngân hàng được thi hành án"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="cases")

    # Cache of the state derived from the events (cases.workflow.replay); written only by cases.services.
    status = models.CharField(_("trạng thái"), max_length=32, choices=Status.choices,
                              default=Status.WITH_CONDITIONS)
    status_ground = models.CharField(_("căn cứ"), max_length=32, blank=True)
    amount_collected = models.BigIntegerField(_("đã thu (đồng)"), default=0)
    amount_reduced = models.BigIntegerField(_("đã giảm (đồng)"), default=0)
    amount_terminated = models.BigIntegerField(_("đình chỉ (đồng)"), default=0)
    amount_remaining = models.BigIntegerField(_("còn phải thi hành (đồng)"))
    last_event_on = models.DateField(_("ngày sự kiện gần nhất"), null=True, blank=True)
    ended_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    event_count = models.PositiveIntegerField(_("số sự kiện"), default=0)

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("hồ sơ thi hành án")
        verbose_name_plural = _("hồ sơ thi hành án")
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
            models.Index(fields=["accepted_on"], name="case_accepted_on"),
        ]

    def __str__(self) -> str:
        return self.case_no


class Party(models.Model):
    """A debtor or creditor of a case; a case may have several of each."""

    case = models.ForeignKey(Case, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("tư cách"), max_length=16, choices=PartyRole.choices)
    kind = models.CharField(_("loại"), max_length=16, choices=PartyKind.choices, default=PartyKind.PERSON)
    name = models.CharField(_("họ tên / tên tổ chức"), max_length=255)
    id_number = models.CharField(_("số CCCD / mã số doanh nghiệp"), max_length=32, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("đương sự")
        verbose_name_plural = _("đương sự")
        ordering = ["case_id", "role", "id"]
        indexes = [models.Index(fields=["name"], name="party_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class CaseEvent(models.Model):
    """One dated step of a case. Append-only: rows are inserted by cases.services and never changed."""

    case = models.ForeignKey(Case, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField(_("thứ tự"))
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại sự kiện"), max_length=32, choices=EventKind.choices)
    amount = models.BigIntegerField(_("số tiền (đồng)"), null=True, blank=True)
    ground = models.CharField(_("căn cứ"), max_length=32, blank=True)
    ground_arose_on = models.DateField(
        _("ngày phát sinh căn cứ"), null=True, blank=True,
        help_text=_("Để tính thời hạn ra quyết định (5 ngày làm việc)."))
    note = models.TextField(_("ghi chú"), blank=True)
    # The case's state right after this event (cases.workflow). Written once with the row, never changed:
    # events are only appended, so the state after an event is final. The statistics read the state on any
    # date from the last event on or before it, without replaying histories.
    status_after = models.CharField(_("trạng thái sau sự kiện"), max_length=32, choices=Status.choices)
    ground_after = models.CharField(_("căn cứ sau sự kiện"), max_length=32, blank=True)
    collected_after = models.BigIntegerField(_("đã thu lũy kế"))
    reduced_after = models.BigIntegerField(_("đã giảm lũy kế"))
    terminated_after = models.BigIntegerField(_("đình chỉ lũy kế"))
    remaining_after = models.BigIntegerField(_("còn phải thi hành sau sự kiện"))
    source = models.CharField(_("nguồn nhập"), max_length=16, choices=EventSource.choices, default=EventSource.WEB)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")
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
        ]
        indexes = [
            models.Index(fields=["date", "kind"], name="event_date_kind"),
            models.Index(fields=["kind", "date"], name="event_kind_date"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.kind} {self.date}"


class PublicHoliday(models.Model):
    """A day off (public holiday, Tết, compensatory day) or a make-up working day on a weekend.

    Data, not code: the government announces each year's Tết schedule; an administrator adds it here."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, default=Kind.DAY_OFF)
    name = models.CharField(_("tên"), max_length=255)

    class Meta:
        verbose_name = _("ngày nghỉ lễ / làm bù")
        verbose_name_plural = _("ngày nghỉ lễ / làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class Payout(models.Model):
    """Collected money paid out to a creditor (chi trả). The 10-day payout deadline runs from each
    collection until payouts cover it. The legal order of payment builds on this (assets issue)."""

    case = models.ForeignKey(Case, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="payouts")
    paid_on = models.DateField(_("ngày chi trả"))
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    recipient = models.CharField(_("người nhận"), max_length=255)
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("chi trả")
        verbose_name_plural = _("chi trả")
        ordering = ["case_id", "paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.paid_on} {self.amount}"
