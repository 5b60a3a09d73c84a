"""Bearer-key authentication for the bank API. Deny by default: no key, a bad key or a revoked key is 401."""
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from banks.services import api_key_authenticate


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
        key = api_key_authenticate(token.strip())
        if key is None:
            raise exceptions.AuthenticationFailed(_("The API key is invalid or has been revoked."),
                                                  code="invalid_key")
        return BankPrincipal(key), key

    def authenticate_header(self, request):
        return self.keyword


class IsBank:
    """Only a bank principal passes (and it only ever sees its own cases: the selectors take its bank)."""

    def has_permission(self, request, view):
        return isinstance(request.user, BankPrincipal)

    def has_object_permission(self, request, view, obj):
        return True
