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
    GENERAL = "general", _("Central (General Department / Department of Civil Judgment Enforcement Management)")
    PROVINCE = "province", _("Provincial (provincial civil judgment enforcement department)")
    DISTRICT = "district", _("District (civil judgment enforcement sub-department, until 2025)")
    REGIONAL = "regional", _("Regional civil judgment enforcement office (from 2025)")


class UnitQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)))


class Unit(models.Model):
    code = models.CharField(_("unit code"), max_length=32, unique=True)
    name = models.CharField(_("unit name"), max_length=255)
    level = models.CharField(_("level"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True,
                                help_text=_("The unit's last day of existence; leave empty while it is still active."))
    predecessors = models.ManyToManyField(
        "self", verbose_name=_("predecessor units"), symmetrical=False, blank=True,
        related_name="successors",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
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
    CHV_SO_CAP = "chv_so_cap", _("Junior enforcement officer")
    CHV_TRUNG_CAP = "chv_trung_cap", _("Intermediate enforcement officer")
    CHV_CAO_CAP = "chv_cao_cap", _("Senior enforcement officer")
    THU_KY = "thu_ky", _("Enforcement clerk")
    THAM_TRA_VIEN = "tham_tra_vien", _("Examiner")
    THU_TRUONG = "thu_truong", _("Head of office / unit head")
    PHO_THU_TRUONG = "pho_thu_truong", _("Deputy head of office / deputy unit head")
    KHAC = "khac", _("Other")


class Role(models.TextChoices):
    """What a person may do. Scoping by unit lives in thads.org.selectors."""

    OFFICER = "officer", _("Enforcement officer (reads the unit's cases; writes the cases assigned to them)")
    UNIT_HEAD = "unit_head", _("Unit head (the whole unit and the units below it)")
    STATISTICIAN = "statistician", _("Statistician / examiner (reads the unit and the units below it, locks periods)")
    CENTRAL_ADMIN = "central_admin", _("Central administrator (nationwide)")


class OfficerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
        related_name="officer_profile",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="officers")
    title = models.CharField(_("title / grade"), max_length=32, choices=Title.choices)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.OFFICER)
    full_name = models.CharField(_("full name"), max_length=255)

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["unit__code", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_title_display()}, {self.unit.code})"


class LoginLockout(models.Model):
    """One lockout of the login form (thads.org.login): who was refused, from where, until when, and who lifted
    it early. Written by the services only; the admin shows it read-only (an unlock is an action)."""

    username = models.CharField(_("username tried"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=[
        ("account", _("too many failures for this account")),
        ("address", _("too many failures from this address"))])
    failures = models.PositiveIntegerField(_("failures counted"))
    locked_at = models.DateTimeField(_("locked at"))
    locked_until = models.DateTimeField(_("locked until"))
    unlocked_at = models.DateTimeField(_("unlocked at"), null=True, blank=True)
    unlocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("unlocked by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    unlocked_via = models.CharField(_("unlocked through"), max_length=16, blank=True)  # "admin" or "command"

    class Meta:
        verbose_name = _("login lockout")
        verbose_name_plural = _("login lockouts")
        ordering = ["-locked_at"]
        indexes = [models.Index(fields=["username", "-locked_at"]), models.Index(fields=["ip_address", "-locked_at"])]

    def __str__(self) -> str:
        return f"{self.username or '-'} @ {self.ip_address or '-'} {self.locked_at:%Y-%m-%d %H:%M}"


class TwoFactorEventKind(models.TextChoices):
    ENROLLED = "enrolled", _("two-factor log-in turned on")
    DISABLED = "disabled", _("two-factor log-in turned off by the person")
    RESET = "reset", _("two-factor devices removed by an administrator")
    RECOVERY_USED = "recovery_used", _("recovery code used to log in")
    RECOVERY_RENEWED = "recovery_renewed", _("new recovery codes issued")


class TwoFactorEvent(models.Model):
    """One change to a person's two-factor log-in (thads.org.twofactor): who it concerns, who did it, when and from
    where. Written by the services only; the admin shows it read-only. Wrong codes are counted by the log-in
    lockout (django-axes) like wrong passwords, and a lockout they cause is a LoginLockout."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
                             related_name="two_factor_events")
    kind = models.CharField(_("event"), max_length=20, choices=TwoFactorEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("two-factor event")
        verbose_name_plural = _("two-factor events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.at:%Y-%m-%d %H:%M}"
