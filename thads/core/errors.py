"""Domain errors with stable codes. The message is for people (translated); the code is for programs."""
from django.utils.translation import gettext as _


class DomainError(Exception):
    """A rule refused the operation. Nothing was written."""

    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field

    def __str__(self) -> str:
        return self.message


class PermissionDeniedError(DomainError):
    default_code = "permission_denied"

    def __init__(self, message: str | None = None, *, code: str | None = None):
        super().__init__(message or _("You are not allowed to do this."), code=code)
