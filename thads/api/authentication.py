"""Bearer-key authentication for the bank API. Deny by default: no key, a bad, revoked or expired key is 401;
a key without the scope an endpoint needs is 403 naming it."""
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from banks.services import api_key_identify, api_key_record_use


class BankPrincipal:
    """The caller of the bank API: a bank, through one of its keys. Not a Django user."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_superuser = False

    def __init__(self, key):
        self.key = key
        self.bank = key.bank

    def __str__(self) -> str:
        return f"bank:{self.bank.code}"


class BankKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").strip()
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != self.keyword.lower() or not token.strip():
            raise exceptions.AuthenticationFailed(_("Use the header «Authorization: Bearer <key>»."),
                                                  code="invalid_authorization")
        key = api_key_identify(token.strip())
        if key is None:
            raise exceptions.AuthenticationFailed(_("The API key is invalid or has been revoked."),
                                                  code="invalid_key")
        if key.is_expired(timezone.now()):
            when = timezone.localtime(key.expires_at)
            raise exceptions.AuthenticationFailed(
                _("This API key expired on %(when)s; ask the enforcement agency for a new key.") % {
                    "when": formats.date_format(when, "Y-m-d H:i") + " (" + when.strftime("%z") + ")"},
                code="key_expired")
        api_key_record_use(key)
        return BankPrincipal(key), key

    def authenticate_header(self, request):
        return self.keyword


class IsBank:
    """Only a bank principal passes (and it only ever sees its own cases: the selectors take its bank)."""

    def has_permission(self, request, view):
        return isinstance(request.user, BankPrincipal)

    def has_object_permission(self, request, view, obj):
        return True


class HasScope:
    """The key holds the scope the view names in ``required_scope`` (none named: any key passes). A missing
    scope is 403 ``insufficient_scope`` naming it, with the RFC 6750 challenge."""

    def has_permission(self, request, view):
        scope = getattr(view, "required_scope", None)
        principal = request.user
        if scope is None or not isinstance(principal, BankPrincipal) or principal.key.has_scope(scope):
            return True
        raise InsufficientScope(scope)

    def has_object_permission(self, request, view, obj):
        return True


class InsufficientScope(exceptions.PermissionDenied):
    def __init__(self, scope: str):
        super().__init__(_("This API key lacks the scope «%(scope)s» this endpoint needs; ask the enforcement "
                           "agency for a key with it.") % {"scope": scope}, code="insufficient_scope")
        self.scope = scope
        self.auth_header = f'Bearer error="insufficient_scope", scope="{scope}"'
