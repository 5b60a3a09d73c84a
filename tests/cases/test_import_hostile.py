"""Hostile or broken ledger files are refused with listed issues (file, row, column), never a traceback, and a
symbolic link is refused without reading (or quoting) what it points to. Nothing is written in any case."""
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.ledger.importer import LedgerRejected, import_ledger
from cases.ledger.reader import CSV_FIELD_LIMIT, MAX_CELL_CHARS
from tests.cases.test_import import CS, EV, FIRST, SECOND, db_snapshot, event, replace_row, where, write_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def first_imported(tmp_path):
    return import_ledger(write_ledger(tmp_path / "first", **FIRST))


def refused(directory):
    before = db_snapshot()
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    assert db_snapshot() == before
    return rejected.value.issues


def test_given_a_nul_byte_in_a_cell_then_that_cell_is_named_and_nothing_changes(first_imported, tmp_path):
    directory = write_ledger(tmp_path / "second", **{**SECOND, "cases": replace_row(CS, 1, debtor_name="Lê\x00Văn")})
    issues = refused(directory)
    assert where(issues) == [("cases.csv", 3, "debtor_name", "control_character")]
    assert "0x00" in issues[0].message and "\x00" not in str(issues[0])


@pytest.mark.parametrize("character", ["\x01", "\x08", "\x0b", "\x1b", "\x7f"])
def test_given_a_control_character_in_a_note_then_it_is_named(first_imported, tmp_path, character):
    directory = write_ledger(tmp_path / "second", **{
        **SECOND, "events": [*EV, event("THB-3", "2019-07-02", "hoan", ground="c", note=f"ghi{character}chú")]})
    assert where(refused(directory)) == [("events.csv", 8, "note", "control_character")]


def test_given_a_note_over_several_lines_with_tabs_then_it_is_accepted(first_imported, tmp_path):
    directory = write_ledger(tmp_path / "second", **{
        **SECOND, "events": [*EV, event("THB-3", "2019-07-02", "hoan", ground="c", note="dòng 1\r\ndòng\t2")]})
    assert import_ledger(directory).events == 7


def test_given_a_note_longer_than_the_cell_limit_then_its_cell_is_named(first_imported, tmp_path):
    note = "x" * (MAX_CELL_CHARS + 1)
    directory = write_ledger(tmp_path / "second", **{
        **SECOND, "events": [*EV, event("THB-3", "2019-07-02", "hoan", ground="c", note=note)]})
    issues = refused(directory)
    assert where(issues) == [("events.csv", 8, "note", "too_long")]
    assert note not in str(issues[0])


def test_given_a_cell_beyond_the_csv_field_limit_then_its_row_is_named_and_the_file_refused(
        first_imported, tmp_path):
    # given: a 50 MB-class cell (here just over the reader's field limit) in cases.csv row 3
    directory = write_ledger(tmp_path / "second", **{
        **SECOND, "cases": replace_row(CS, 1, debtor_name="y" * (CSV_FIELD_LIMIT + 10))})
    issues = refused(directory)
    assert where(issues) == [("cases.csv", 3, "", "cell_too_long")]


def test_given_a_file_larger_than_the_file_limit_then_it_is_refused_before_reading(
        first_imported, tmp_path, settings):
    # given: events.csv is the largest file, one byte over the limit; the others are within it
    directory = write_ledger(tmp_path / "second", **{
        **SECOND, "events": [*EV, event("THB-3", "2019-07-02", "hoan", ground="c", note="n" * 2000)]})
    sizes = {path.name: path.stat().st_size for path in directory.iterdir()}
    settings.LEDGER_MAX_FILE_BYTES = sizes["events.csv"] - 1
    assert max(size for name, size in sizes.items() if name != "events.csv") <= settings.LEDGER_MAX_FILE_BYTES
    issues = refused(directory)
    assert where(issues) == [("events.csv", 0, "", "file_too_large")]


def test_given_a_symlinked_file_then_it_is_refused_without_quoting_its_target(first_imported, tmp_path):
    # given: units.csv is a link to a file outside the ledger whose first line is secret
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    directory = write_ledger(tmp_path / "second", **SECOND)
    (directory / "units.csv").unlink()
    os.symlink(secret, directory / "units.csv")
    # when
    issues = refused(directory)
    # then
    assert where(issues) == [("units.csv", 0, "", "symlink")]
    assert all("root" not in str(issue) for issue in issues)


def test_given_a_symlink_to_a_missing_file_then_it_is_refused_as_a_symlink(first_imported, tmp_path):
    directory = write_ledger(tmp_path / "second", **SECOND)
    (directory / "banks.csv").unlink()
    os.symlink(tmp_path / "nowhere.csv", directory / "banks.csv")
    assert where(refused(directory)) == [("banks.csv", 0, "", "symlink")]


def test_given_a_directory_in_place_of_a_file_then_it_is_refused(first_imported, tmp_path):
    directory = write_ledger(tmp_path / "second", **SECOND, omit=("banks.csv",))
    (directory / "banks.csv").mkdir()
    assert where(refused(directory)) == [("banks.csv", 0, "", "not_a_file")]


def test_given_a_header_with_control_characters_then_the_column_is_shown_escaped(first_imported, tmp_path):
    directory = write_ledger(tmp_path / "second", **SECOND)
    path = directory / "banks.csv"
    path.write_text("code,name\x00" + "z" * 200 + "\nX,Y\n", encoding="utf-8")
    issues = refused(directory)
    assert [(issue.file, issue.row, issue.code) for issue in issues] == [
        ("banks.csv", 1, "unknown_column"), ("banks.csv", 1, "missing_column")]
    assert issues[0].column.startswith("name\\x00zz") and len(issues[0].column) <= 41


def test_given_a_hostile_ledger_when_the_command_runs_then_it_lists_the_issues_without_a_traceback(
        first_imported, tmp_path, capsys):
    directory = write_ledger(tmp_path / "second", **{
        **SECOND, "cases": replace_row(CS, 0, debtor_name="a\x00b"),
        "events": [*EV, event("THB-3", "2019-07-02", "hoan", ground="c", note="n" * (CSV_FIELD_LIMIT + 1))]})
    with pytest.raises(CommandError, match="2"):
        call_command("import_ledger", str(directory), "--quiet-progress")
    err = capsys.readouterr().err
    assert "cases.csv" in err and "events.csv" in err and "Traceback" not in err
