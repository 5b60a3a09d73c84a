"""python manage.py import_ledger DIR — import a case ledger (shared/ledger-format.md), all or nothing."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.ledger.importer import LedgerRejected, import_ledger


class Command(BaseCommand):
    help = "Import a case ledger directory (units.csv, banks.csv, cases.csv, events.csv). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--quiet-progress", action="store_true", help="do not print progress lines")

    def handle(self, *args, directory, quiet_progress=False, **options):
        def progress(file: str, done: int, total: int) -> None:
            if not quiet_progress and total >= 1000:
                self.stderr.write(f"  {file}: {done}/{total}")

        try:
            summary = import_ledger(directory, progress=progress)
        except LedgerRejected as rejected:
            for issue in rejected.issues:
                self.stderr.write(str(issue))
            raise CommandError(
                _("Ledger refused: %(count)s error(s). The database is unchanged.") % {"count": len(rejected.issues)}
            ) from None
        self.stdout.write(_(
            "Imported: %(units)s new units (%(units_existing)s already present), %(banks)s new banks "
            "(%(banks_existing)s already present), %(cases)s cases, %(events)s events in %(seconds).1f seconds.") % {
            "units": summary.units_created, "units_existing": summary.units_existing,
            "banks": summary.banks_created, "banks_existing": summary.banks_existing,
            "cases": summary.cases, "events": summary.events, "seconds": summary.seconds})
