"""One row per audited write: who, when, through which door, what object, and each changed field's value
before and after. Immutable: inserted by thads.audit.services.audit_record, never changed or deleted — the
model, its queryset and the admin refuse it, for superusers too."""
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thads.audit.context import Source
from thads.core.errors import DomainError


class AuditImmutableError(DomainError):
    def __init__(self):
        super().__init__(_("The audit trail cannot be changed or deleted."), code="audit_immutable")


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError()

    def delete(self):
        raise AuditImmutableError()

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutableError()


class Action(models.TextChoices):
    CASE_CREATE = "case_create", _("Case accepted")
    CASE_UPDATE = "case_update", _("Case details corrected")
    OFFICER_ASSIGN = "officer_assign", _("Officer assigned")
    PARTY_ADD = "party_add", _("Party added")
    PARTY_CORRECT = "party_correct", _("Party corrected")
    PAYOUT_RECORD = "payout_record", _("Payout recorded")
    API_KEY_CREATE = "api_key_create", _("Bank API key created")
    API_KEY_REVOKE = "api_key_revoke", _("Bank API key revoked")
    TARGET_SET = "target_set", _("Target set")
    PERIOD_CLOSE = "period_close", _("Period closed")
    COMMITMENT_STATUS = "commitment_status", _("Commitment status changed")
    COMMITMENT_RECORD = "commitment_record", _("Commitment recorded")
    OFFICER_PROFILE = "officer_profile", _("Officer's unit, title or role set")
    EVENT_CANCEL = "event_cancel", _("Event cancelled")
    ASSET_CREATE = "asset_create", _("Asset recorded")
    ASSET_CASE_LINK = "asset_case_link", _("Asset's claim for a case set")
    COLLATERAL_REGISTER = "collateral_register", _("Collateral recorded")
    SEIZURE_RECORD = "seizure_record", _("Asset seized")
    SEIZURE_RELEASE = "seizure_release", _("Seizure released")
    VALUATION_RECORD = "valuation_record", _("Valuation recorded")
    VALUATION_NOTIFY = "valuation_notify", _("Notice of the valuation recorded")
    REVALUATION_RECORD = "revaluation_record", _("Re-valuation recorded")
    AUCTION_CREATE = "auction_create", _("Auction contracted")
    AUCTION_ROUND = "auction_round", _("Auction round recorded")
    AUCTION_SALE_PAID = "auction_sale_paid", _("Buyer's payment recorded")
    AUCTION_SALE_DEFAULT = "auction_sale_default", _("Buyer's default recorded")
    AUCTION_CLOSE = "auction_close", _("Auction closed")
    CREDITOR_OFFER = "creditor_offer", _("Asset offered to the creditor")
    CREDITOR_ANSWER = "creditor_answer", _("Creditor's answer recorded")
    COST_RECORD = "cost_record", _("Enforcement cost recorded")
    DISTRIBUTION = "distribution", _("Proceeds distributed")
    SESSION_CREATE = "session_create", _("Dialogue planned")
    SESSION_HOLD = "session_hold", _("Dialogue held")
    SESSION_CLOSE = "session_close", _("Dialogue minutes closed")
    AGENDA_ADD = "agenda_add", _("Case put on a dialogue's agenda")
    AGENDA_REMOVE = "agenda_remove", _("Case taken off a dialogue's agenda")
    AGENDA_UPDATE = "agenda_update", _("Agenda item updated")
    UNIT_SAVE = "unit_save", _("Unit created or corrected")
    LOGIN_UNLOCK = "login_unlock", _("Login unlocked")
    WEBHOOK_CREATE = "webhook_create", _("Webhook endpoint registered")
    WEBHOOK_UPDATE = "webhook_update", _("Webhook endpoint changed")
    WEBHOOK_DELETE = "webhook_delete", _("Webhook endpoint deleted")
    WEBHOOK_ROTATE = "webhook_rotate", _("Webhook secret rotated")
    WEBHOOK_RESUME = "webhook_resume", _("Webhook endpoint resumed")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")  # deactivate people, never delete them
    # The actor's user name when it was written (kept if the account is later renamed or removed);
    # empty for the system (a command or a job run without a person).
    actor_name = models.CharField(_("by (user name)"), max_length=150, blank=True)
    source = models.CharField(_("through"), max_length=16, choices=Source.choices)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT,
                                     related_name="+")
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=255)
    # The case the change belongs to (its page shows the trail), and the unit it is scoped by.
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="audit_entries")
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    # {field: {"old": value, "new": value}} with JSON values (dates ISO, ids for related rows) and, for a
    # related row, "old_text"/"new_text": how it read when written (a person's name).
    changes = models.JSONField(_("changes"), default=dict)
    note = models.TextField(_("note"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case", "at"], name="audit_case_at"),
            models.Index(fields=["content_type", "object_id"], name="audit_object"),
            models.Index(fields=["unit", "at"], name="audit_unit_at"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError()
