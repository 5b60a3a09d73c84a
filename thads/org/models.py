"""Dated organisational units and the officers who work in them.

A unit is a dated record (valid_from … valid_to) with a parent and predecessor/successor links, so the
2025 reorganisation (Chi cục → Phòng THADS khu vực, 63 → 34 provinces) is data, not a migration: old
cases keep their old unit, and the hierarchy can be read as it stood on any date.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    GENERAL = "general", _("Trung ương (Tổng cục / Cục Quản lý THADS)")
    PROVINCE = "province", _("Cấp tỉnh (Cục THADS / THADS tỉnh)")
    DISTRICT = "district", _("Cấp huyện (Chi cục THADS, đến 2025)")
    REGIONAL = "regional", _("Phòng THADS khu vực (từ 2025)")


class UnitQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)))


class Unit(models.Model):
    code = models.CharField(_("mã đơn vị"), max_length=32, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    level = models.CharField(_("cấp"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True,
                                help_text=_("Ngày cuối cùng đơn vị tồn tại; để trống nếu còn hoạt động."))
    predecessors = models.ManyToManyField(
        "self", verbose_name=_("đơn vị tiền thân"), symmetrical=False, blank=True,
        related_name="successors",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="unit_valid_to_after_valid_from",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="unit_not_own_parent"),
        ]
        indexes = [models.Index(fields=["parent", "valid_from", "valid_to"], name="unit_parent_dates")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def is_active_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class Title(models.TextChoices):
    CHV_SO_CAP = "chv_so_cap", _("Chấp hành viên sơ cấp")
    CHV_TRUNG_CAP = "chv_trung_cap", _("Chấp hành viên trung cấp")
    CHV_CAO_CAP = "chv_cao_cap", _("Chấp hành viên cao cấp")
    THU_KY = "thu_ky", _("Thư ký thi hành án")
    THAM_TRA_VIEN = "tham_tra_vien", _("Thẩm tra viên")
    THU_TRUONG = "thu_truong", _("Thủ trưởng / Trưởng đơn vị")
    PHO_THU_TRUONG = "pho_thu_truong", _("Phó Thủ trưởng / Phó đơn vị")
    KHAC = "khac", _("Khác")


class Role(models.TextChoices):
    """What a person may do. Scoping by unit lives in thads.org.selectors."""

    OFFICER = "officer", _("Cán bộ thi hành án (hồ sơ của đơn vị; ghi hồ sơ được phân công)")
    UNIT_HEAD = "unit_head", _("Lãnh đạo đơn vị (toàn bộ đơn vị và cấp dưới)")
    STATISTICIAN = "statistician", _("Thống kê / thẩm tra (xem toàn bộ đơn vị và cấp dưới, khóa kỳ)")
    CENTRAL_ADMIN = "central_admin", _("Quản trị trung ương (toàn quốc)")


class OfficerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE,
        related_name="officer_profile",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="officers")
    title = models.CharField(_("chức danh / ngạch"), max_length=32, choices=Title.choices)
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices, default=Role.OFFICER)
    full_name = models.CharField(_("họ và tên"), max_length=255)

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["unit__code", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_title_display()}, {self.unit.code})"
