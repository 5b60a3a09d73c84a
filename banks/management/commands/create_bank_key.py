"""python manage.py create_bank_key BANK_CODE [--label TEXT] [--scope SCOPE ...] [--expires WHEN]
— prints the new key alone on its last line."""
from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from banks.models import ApiScope, Bank
from banks.services import api_key_create
from thads.core.errors import DomainError


def _moment(text: str) -> datetime:
    """An ISO date (the key stops working at 00:00 that day, local time) or date-time (local unless it says)."""
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = None if day is None else datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(_("--expires: use YYYY-MM-DD or YYYY-MM-DDTHH:MM (got «%(value)s»).") % {"value": text})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = ("Create an API key for a bank. The key is shown once, alone on the last line; only its hash is kept. "
            "--scope (repeatable, or comma-separated) restricts it; --expires makes it stop working at a moment.")

    def add_arguments(self, parser):
        parser.add_argument("bank_code")
        parser.add_argument("--label", default="")
        parser.add_argument("--scope", action="append", default=None, dest="scopes",
                            help="One of: " + ", ".join(ApiScope.values) + ". Default: every scope.")
        parser.add_argument("--expires", default=None,
                            help="YYYY-MM-DD (00:00 that day, local time) or an ISO date-time. Default: never.")

    def handle(self, *args, bank_code, label="", scopes=None, expires=None, **options):
        bank = Bank.objects.filter(code=bank_code).first()
        if bank is None:
            raise CommandError(_("Unknown bank «%(code)s».") % {"code": bank_code})
        if scopes is not None:
            scopes = [scope for item in scopes for scope in item.split(",")]
        expires_at = None if expires is None else _moment(expires)
        try:
            record, key = api_key_create(bank=bank, label=label, scopes=scopes, expires_at=expires_at)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(_("API key %(prefix)s… for %(bank)s created; store it now, it is not shown again:") % {
            "prefix": record.prefix, "bank": bank.code})
        self.stdout.write(_("Scopes: %(scopes)s; expires: %(expires)s.") % {
            "scopes": ", ".join(record.scopes),
            "expires": record.expires_at.isoformat() if record.expires_at else _("never")})
        self.stdout.write(key)
