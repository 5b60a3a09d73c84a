"""Writes to banks."""
from django.utils.translation import gettext as _

from banks.models import Bank
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
