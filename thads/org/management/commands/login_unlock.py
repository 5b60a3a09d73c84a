"""python manage.py login_unlock [--username NAME] [--address IP] — lift a login pause now (thads.org.login)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from thads.core.errors import DomainError
from thads.org.services import login_unlock


class Command(BaseCommand):
    help = "Let an account and/or an address log in again now, forgetting their failed attempts (recorded)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="")
        parser.add_argument("--address", default="", help="the IP address that was paused")

    def handle(self, *args, username="", address="", **options):
        try:
            lifted = login_unlock(actor=None, username=username.strip(), ip_address=address.strip(), via="command")
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(_("Unlocked: %(count)s running lockout(s) lifted; failed attempts forgotten.")
                          % {"count": lifted})
