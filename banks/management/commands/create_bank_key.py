"""python manage.py create_bank_key BANK_CODE [--label TEXT] — prints the new key alone on its last line."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from banks.models import Bank
from banks.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a bank. The key is shown once, alone on the last line; only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("bank_code")
        parser.add_argument("--label", default="")

    def handle(self, *args, bank_code, label="", **options):
        bank = Bank.objects.filter(code=bank_code).first()
        if bank is None:
            raise CommandError(_("Unknown bank «%(code)s».") % {"code": bank_code})
        record, key = api_key_create(bank=bank, label=label)
        self.stdout.write(_("API key %(prefix)s… for %(bank)s created; store it now, it is not shown again:") % {
            "prefix": record.prefix, "bank": bank.code})
        self.stdout.write(key)
