"""Credit institutions (judgment creditors of `tin_dung_ngan_hang` cases)."""
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
