"""Writes to banks and their API keys."""
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banks.models import ApiKey, ApiScope, Bank
from thads.audit.models import Action
from thads.audit.services import audit_record
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


def api_key_scopes_clean(scopes) -> list[str]:
    """The scopes as stored (known, no repeats, in the documented order); an unknown one is refused."""
    wanted = {scope.strip() for scope in scopes if scope.strip()}
    unknown = sorted(wanted - set(ApiScope.values))
    if unknown:
        raise DomainError(_("Unknown scope «%(scope)s»; the scopes are: %(known)s.") % {
            "scope": unknown[0], "known": ", ".join(ApiScope.values)}, code="unknown_scope", field="scopes")
    if not wanted:
        raise DomainError(_("A key needs at least one scope."), code="no_scope", field="scopes")
    return [scope for scope in ApiScope.values if scope in wanted]


@transaction.atomic
def api_key_create(*, bank: Bank, label: str = "", actor=None, scopes=None, expires_at=None) -> tuple[ApiKey, str]:
    """Create a key for ``bank``; returns the stored record and the key itself, which is never shown again.
    ``scopes``: what it may do (every scope when None); ``expires_at``: when it stops working (never when None),
    which must be in the future."""
    scopes = list(ApiScope.values) if scopes is None else api_key_scopes_clean(scopes)
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("The expiry must be in the future."), code="expiry_in_past", field="expires_at")
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    record = ApiKey.objects.create(bank=bank, label=label.strip(), prefix=prefix, key_hash=_digest(key),
                                   created_by=actor, scopes=scopes, expires_at=expires_at)
    audit_record(actor=actor, action=Action.API_KEY_CREATE, obj=record, case=None, unit=None, changes={
        "bank": (None, bank), "label": (None, record.label), "prefix": (None, prefix), "scopes": (None, scopes),
        **({"expires_at": (None, expires_at)} if expires_at is not None else {})})
    return record, key


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor=None) -> ApiKey:
    """Revoke ``key`` now (once: revoking a revoked key changes nothing and records nothing)."""
    locked = ApiKey.objects.select_for_update().get(pk=key.pk)
    if locked.revoked_at is None:
        locked.revoked_at = key.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=Action.API_KEY_REVOKE, obj=locked, case=None, unit=None,
                     changes={"revoked_at": (None, locked.revoked_at)})
    return key


def api_key_identify(token: str) -> ApiKey | None:
    """The unrevoked key matching ``token`` (expired or not: the caller says which), or None. Constant-time
    comparison of the digests; writes nothing."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = ApiKey.objects.select_related("bank").filter(prefix=parts[1]).first()
    if key is None or key.revoked_at is not None or not hmac.compare_digest(key.key_hash, _digest(token)):
        return None
    return key


def api_key_record_use(key: ApiKey) -> ApiKey:
    """Record that ``key`` was used (at most once a minute, so reading does not turn every request into a write)."""
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def api_key_authenticate(token: str) -> ApiKey | None:
    """The live (unrevoked, unexpired) key matching ``token``, or None; records the use."""
    key = api_key_identify(token)
    if key is None or key.is_expired(timezone.now()):
        return None
    return api_key_record_use(key)
