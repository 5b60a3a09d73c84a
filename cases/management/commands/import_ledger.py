"""python manage.py import_ledger DIR|FILE.xlsx — import a case ledger (shared/ledger-format.md): a directory of
CSV files or one workbook with a sheet per file. All or nothing."""
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.ledger.importer import LedgerRejected, import_ledger


class ProgressPrinter:
    """Shows the import's progress on ``stream`` without flooding it.

    On a terminal: one line, rewritten at most every ``interval`` seconds, with the stage, rows done, rows per
    second and the time left in that stage. Elsewhere (a log file, a pipe): a line ``  cases.csv: done/total``
    for each file when at least a tenth more of it is done, and when it is finished — a dozen lines per file
    at most, however large the ledger."""

    def __init__(self, stream, *, live: bool, interval: float = 2.0, clock=time.monotonic):
        self.stream, self.live, self.interval, self.clock = stream, live, interval, clock
        self.stage = ""
        self.stage_started = self.last_shown = 0.0
        self.last_done: dict[str, int] = {}
        self.line_open = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if stage != self.stage:
            self.stage, self.stage_started, self.last_shown = stage, now, now
        if self.live:
            self._live(stage, done, total, now)
        elif stage != "writing" and total >= 1000:
            previous = self.last_done.get(stage, 0)
            if done == total or done - previous >= total / 10:
                self.last_done[stage] = done
                self.stream.write(f"  {stage}: {done}/{total}")

    def _live(self, stage: str, done: int, total: int, now: float) -> None:
        if done < total and now - self.last_shown < self.interval:
            return
        self.last_shown = now
        elapsed = max(now - self.stage_started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0
        line = _("%(stage)s: %(done)s/%(total)s rows, %(rate)s rows/s, %(left)s left") % {
            "stage": stage, "done": f"{done:,}", "total": f"{total:,}", "rate": f"{rate:,.0f}",
            "left": f"{int(left) // 60}:{int(left) % 60:02d}"}
        self.stream.write(f"\r  {line}\x1b[K", ending="\n" if done == total else "")
        self.stream.flush()


class Command(BaseCommand):
    help = ("Import a case ledger: a directory (units.csv, banks.csv, cases.csv, events.csv) or one .xlsx workbook "
            "with the sheets units, banks, cases, events. All or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the ledger directory, or the .xlsx workbook")
        parser.add_argument("--quiet-progress", action="store_true", help="do not print progress lines")

    def handle(self, *args, directory, quiet_progress=False, **options):
        progress = None if quiet_progress else ProgressPrinter(self.stderr, live=self.stderr.isatty())
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
