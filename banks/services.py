"""Writes to banks and their API keys."""
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banks.models import ApiKey, Bank
from thads.core.errors import DomainError


def bank_ensure(*, code: str, name: str) -> tuple[Bank, bool]:
    """Create a bank, or accept it unchanged when an identical one exists; a differing name is refused."""
    existing = Bank.objects.filter(code=code).first()
    if existing is not None:
        if existing.name != name:
            raise DomainError(
                _("Bank %(code)s is already in the database under another name (“%(stored)s”).") % {
                    "code": code, "stored": existing.name},
                code="bank_differs", field="name")
        return existing, False
    return Bank.objects.create(code=code, name=name), True


# ---- API keys ---------------------------------------------------------------------------------------------

KEY_PREFIX = "thads"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, bank: Bank, label: str = "", actor=None) -> tuple[ApiKey, str]:
    """Create a key for ``bank``; returns the stored record and the key itself, which is never shown again."""
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    record = ApiKey.objects.create(bank=bank, label=label.strip(), prefix=prefix, key_hash=_digest(key),
                                   created_by=actor)
    return record, key


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_authenticate(token: str) -> ApiKey | None:
    """The live key matching ``token``, or None. Constant-time comparison of the digests; records the use
    (at most once a minute, so reading does not turn every request into a write)."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = ApiKey.objects.select_related("bank").filter(prefix=parts[1]).first()
    if key is None or key.revoked_at is not None or not hmac.compare_digest(key.key_hash, _digest(token)):
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
