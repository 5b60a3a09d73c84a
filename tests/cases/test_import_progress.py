"""The import command's progress: a live line with rows/s and time left on a terminal, a few lines in a log."""
import io

from django.core.management.base import OutputWrapper

from cases.management.commands.import_ledger import ProgressPrinter


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_given_a_terminal_when_rows_come_quickly_then_one_line_is_rewritten_every_two_seconds_with_rate_and_eta():
    # given
    out, clock = io.StringIO(), Clock()
    printer = ProgressPrinter(OutputWrapper(out), live=True, clock=clock)
    # when: 10,000 rows a second, reported every 500 rows for 3 seconds, then the end
    printer("events.csv", 0, 40_000)
    for done in range(500, 30_001, 500):
        clock.now = 100.0 + done / 10_000
        printer("events.csv", done, 40_000)
    clock.now = 104.0
    printer("events.csv", 40_000, 40_000)
    # then: once at 2 s (20,000 rows) and at the end; each overwrites the line
    assert out.getvalue().split("\r")[1:] == [
        "  events.csv: 20,000/40,000 dòng, 10,000 dòng/giây, còn 0:02\x1b[K",
        "  events.csv: 40,000/40,000 dòng, 10,000 dòng/giây, còn 0:00\x1b[K\n",
    ]


def test_given_a_log_file_when_a_large_file_is_imported_then_about_ten_lines_are_written():
    # given
    out = io.StringIO()
    printer = ProgressPrinter(OutputWrapper(out), live=False, clock=Clock())
    # when: 1,000,000 cases reported every 500 rows, then the writing stage
    for done in range(500, 1_000_001, 500):
        printer("cases.csv", done, 1_000_000)
    printer("writing", 4_000_000, 4_000_000)
    # then
    assert out.getvalue().splitlines() == [f"  cases.csv: {done}/1000000" for done in range(100_000, 1_000_001,
                                                                                              100_000)]
