"""Credit institutions (judgment creditors of `tin_dung_ngan_hang` cases)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Bank(models.Model):
    code = models.CharField(_("bank code"), max_length=64, unique=True)
    name = models.CharField(_("credit institution name"), max_length=255)

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("banks")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class ApiScope(models.TextChoices):
    """What a key may do (docs/api.md «Scopes»). A key holds a list of them; an endpoint needs one."""

    CASES_READ = "cases:read", _("Read the bank's cases (list and detail)")
    CHANGES_READ = "changes:read", _("Read the change feed")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Manage webhook endpoints")
    DIALOGUES_WRITE = "dialogues:write", _("Write to case dialogues")


def all_scopes() -> list[str]:
    return [scope.value for scope in ApiScope]


class ApiKey(models.Model):
    """A bank's credential for the REST API. The key is shown once at creation; only its SHA-256 is stored
    (a key is 32 random bytes, so a plain digest is enough: there is nothing to guess). A key may be restricted
    to some scopes (every scope by default) and may expire."""

    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="api_keys")
    label = models.CharField(_("label"), max_length=255, blank=True)
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True,
                              help_text=_("The first characters of the key, to recognise it; not secret."))
    key_hash = models.CharField(_("key hash (SHA-256)"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    scopes = models.JSONField(_("scopes"), default=all_scopes, blank=True,
                              help_text=_("What the key may do: cases:read, changes:read, webhooks:manage, "
                                          "dialogues:write."))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True,
                                      help_text=_("Empty: the key does not expire."))

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["bank__code", "-created_at"]

    def __str__(self) -> str:
        return f"{self.bank_id} {self.prefix}…{' (revoked)' if self.revoked_at else ''}"

    def is_expired(self, now) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class Collateral(models.Model):
    """A bank's mortgage or pledge over an asset for a loan contract: whose security a seized asset is.
    From the asset's proceeds the bank is paid first, up to ``secured_amount`` (Điều 47)."""

    class Kind(models.TextChoices):
        MORTGAGE = "mortgage", _("Mortgage")
        PLEDGE = "pledge", _("Pledge")

    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="collateral")
    asset = models.ForeignKey("cases.Asset", verbose_name=_("asset"), on_delete=models.PROTECT,
                              related_name="collateral")
    kind = models.CharField(_("kind of security"), max_length=16, choices=Kind.choices, default=Kind.MORTGAGE)
    loan_contract_no = models.CharField(_("loan contract number"), max_length=64)
    loan_contract_date = models.DateField(_("loan contract date"), null=True, blank=True)
    principal = models.BigIntegerField(_("principal (VND)"))
    contractual_interest = models.BigIntegerField(_("contractual interest (VND)"), default=0)
    penalty_interest = models.BigIntegerField(_("penalty interest (VND)"), default=0)
    secured_amount = models.BigIntegerField(_("secured amount (VND)"),
                                            help_text=_("The most the bank is paid first from this asset."))
    security_contract_no = models.CharField(_("security contract number"), max_length=64, blank=True)
    registered_on = models.DateField(_("registration date of the security"), null=True, blank=True)
    registration_office = models.CharField(_("registration office"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collateral")
        verbose_name_plural = _("collateral")
        ordering = ["asset_id", "registered_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "asset", "loan_contract_no"], name="collateral_unique"),
            models.CheckConstraint(condition=models.Q(principal__gt=0) & models.Q(secured_amount__gt=0)
                                   & models.Q(contractual_interest__gte=0) & models.Q(penalty_interest__gte=0),
                                   name="collateral_amounts_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.loan_contract_no} — {self.bank.code}"
