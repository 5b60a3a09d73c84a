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


# ---- webhooks (docs/api.md «Webhooks») ----------------------------------------------------------------------

def all_change_kinds() -> list[str]:
    """Every kind of feed entry (cases.models.CaseChange.Kind, read when called: new kinds are included)."""
    from cases.models import CaseChange

    return list(CaseChange.Kind.values)


class WebhookEndpoint(models.Model):
    """An HTTPS address a bank asked us to POST its change-feed entries to, signed with the endpoint's secret.

    Delivery (banks.webhooks.services.endpoint_deliver) is strictly sequential from ``last_delivered``, the feed
    cursor of the last entry handled: an entry that fails blocks the endpoint (so a case's entries arrive in
    feed order) and is retried with exponential backoff until it succeeds or WEBHOOK_RETRY_WINDOW_SECONDS pass
    from its first failure; then the endpoint is paused and the bank told (BankNotice, e-mail)."""

    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=255, blank=True)
    event_types = models.JSONField(_("event types"), default=all_change_kinds,
                                   help_text=_("The kinds of change-feed entry sent to this address."))
    contact_email = models.EmailField(_("contact e-mail"), blank=True,
                                      help_text=_("Told when the endpoint is paused after failing."))
    # HMAC needs the secret itself, so it is stored (it signs, it does not authenticate anyone to us).
    secret = models.CharField(_("secret"), max_length=128)
    previous_secret = models.CharField(_("previous secret"), max_length=128, blank=True)
    previous_secret_expires_at = models.DateTimeField(_("previous secret valid until"), null=True, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_reason = models.CharField(_("reason for the pause"), max_length=500, blank=True)
    last_delivered = models.BigIntegerField(_("last delivered feed cursor"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    failed_attempts = models.PositiveIntegerField(_("failed attempts of the pending entry"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    lease_until = models.DateTimeField(_("being delivered until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["bank__code", "id"]

    def __str__(self) -> str:
        return f"{self.bank_id} {self.url}"

    @property
    def status(self) -> str:
        if not self.enabled:
            return "disabled"
        if self.paused_at is not None:
            return "paused"
        return "failing" if self.failing_since is not None else "active"


class WebhookDelivery(models.Model):
    """One attempt to deliver one feed entry to one endpoint (the log the bank and administrators read)."""

    endpoint = models.ForeignKey(WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE,
                                 related_name="deliveries")
    entry_id = models.CharField(_("feed entry id"), max_length=32)
    kind = models.CharField(_("kind"), max_length=32)
    case_no = models.CharField(_("case number"), max_length=64)
    attempt = models.PositiveIntegerField(_("attempt"))
    attempted_at = models.DateTimeField(_("attempted at"), db_index=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"))
    succeeded = models.BooleanField(_("succeeded"))
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log")]

    def __str__(self) -> str:
        return f"{self.endpoint_id} {self.entry_id} #{self.attempt} {self.status_code or self.error[:40]}"


class BankNotice(models.Model):
    """Something the agency's system tells a bank (an endpoint paused), shown in GET /api/v1/me/."""

    class Kind(models.TextChoices):
        WEBHOOK_PAUSED = "webhook_paused", _("Webhook endpoint paused")

    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    message = models.TextField(_("message"))
    webhook = models.ForeignKey(WebhookEndpoint, verbose_name=_("webhook endpoint"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="notices")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice to a bank")
        verbose_name_plural = _("notices to banks")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.bank_id} {self.kind} {self.created_at:%Y-%m-%d}"
