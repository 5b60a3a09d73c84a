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


class ApiKey(models.Model):
    """A bank's credential for the REST API. The key is shown once at creation; only its SHA-256 is stored
    (a key is 32 random bytes, so a plain digest is enough: there is nothing to guess)."""

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

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["bank__code", "-created_at"]

    def __str__(self) -> str:
        return f"{self.bank_id} {self.prefix}…{' (revoked)' if self.revoked_at else ''}"
