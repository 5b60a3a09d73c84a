"""Insert many rows of a model at the speed of the database's own bulk path: COPY on PostgreSQL, multi-row INSERT
on SQLite (``draw_ids``, then ``prepare_rows`` without the database, then ``write_prepared``). For the ledger
import, which writes hundreds of thousands of rows the services built and checked.

``bulk_create`` builds a model instance per row and prepares each value through its field: tens of
microseconds a row, most of an import's time. Here a row is a mapping of field attnames (``case_id``) to the
values the services' builders computed (case_build's instance ``__dict__``, party_values, event_values): only
dates, timestamps and JSON (as its text) are adapted, a field the mapping lacks gets its default, and
``auto_now``/``auto_now_add`` timestamps are filled in as ``pre_save`` would. No signals are sent (as with bulk_create).
"""
import io
import json
import operator
from collections.abc import Mapping, Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

# Field types whose values the database driver does not take as they are.
ADAPTED_TYPES = {"DateField", "DateTimeField", "TimeField", "DecimalField", "UUIDField", "JSONField", "DurationField"}


class Prepared:
    """Rows of one table ready for ``write_prepared``: the statement and its data (COPY text on PostgreSQL,
    parameter rows elsewhere). Built by ``prepare_rows`` without the database, so that a bulk writer can build
    the next batch while the database writes this one (cases/ledger/importer.py)."""

    __slots__ = ("statement", "width", "rows", "text")

    def __init__(self, statement: str, width: int, rows: list, text: str | None):
        self.statement, self.width, self.rows, self.text = statement, width, rows, text


def draw_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys of ``model``'s table, reserved in its sequence so that no concurrent writer and
    no later insert takes them (PostgreSQL: ``nextval``; SQLite: the AUTOINCREMENT counter, moved on in the
    current transaction, which also takes the database's write lock)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, model._meta.pk.column, count])
            return [row[0] for row in cursor.fetchall()]
        # SQLite: new rowids of an AUTOINCREMENT table are above both sqlite_sequence's value and the largest id.
        largest = f"SELECT COALESCE(MAX(rowid), 0) FROM {connection.ops.quote_name(table)}"  # noqa: S608 (a model's)
        cursor.execute(f"UPDATE sqlite_sequence SET seq = MAX(seq, ({largest})) + ? WHERE name = ? RETURNING seq",  # noqa: S608
                       [count, table])
        row = cursor.fetchone()
        if row is None:  # nothing was ever inserted into the table: no counter yet
            cursor.execute(largest)
            first = cursor.fetchone()[0] + 1
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, first + count - 1])
        else:
            first = row[0] - count + 1
        return list(range(first, first + count))


def prepare_rows(model: type[models.Model], rows: Sequence[Mapping[str, object]],
                 new_ids: list[int] | None = None) -> Prepared:
    """The statement and data that insert ``rows`` (with the primary keys ``new_ids`` when given), built in
    Python only: the COPY text on PostgreSQL."""
    database = connections[DEFAULT_DB_ALIAS]  # the connection itself: each use of the proxy costs a look-up
    meta = model._meta
    if not rows:
        return Prepared("", 0, [], None)
    now = timezone.now()
    first = rows[0]
    # Columns are ordered as: values taken as they are, dates to adapt, JSON, then the same value for every row.
    plain, dates, json_fields, constant, columns = [], [], [], [], []
    for field in meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constant.append((field, field.get_db_prep_save(now, database)))
        elif field.get_internal_type() == "JSONField":
            # as JSON text, which COPY and SQLite both take (the driver's own JSON adapter is not text)
            if field.attname in first:
                json_fields.append(field)
            else:
                constant.append((field, json.dumps(field.get_default())))
        elif field.attname not in first:
            constant.append((field, field.get_db_prep_save(field.get_default(), database)))
        elif field.get_internal_type() == "DateField" and database.vendor != "postgresql":
            dates.append(field)
        elif field.get_internal_type() in ADAPTED_TYPES and field.get_internal_type() != "DateField":
            raise NotImplementedError(f"{model.__name__}.{field.name}: {field.get_internal_type()} values")
        else:
            plain.append(field)  # (psycopg2 takes dates as they are)
    columns = [field.column for field in (*plain, *dates, *json_fields, *(field for field, _value in constant))]
    take = operator.itemgetter(*(field.attname for field in plain))
    if len(plain) == 1:
        take = (lambda get: lambda row: (get(row),))(take)
    constants = tuple(value for _field, value in constant)
    if dates or json_fields:
        take_dates = [operator.itemgetter(field.attname) for field in dates]
        take_json = [operator.itemgetter(field.attname) for field in json_fields]
        adapt = database.ops.adapt_datefield_value
        values = [[*take(row), *(adapt(get(row)) for get in take_dates), *(_json_text(get(row)) for get in take_json),
                   *constants] for row in rows]
    else:
        values = [[*take(row), *constants] for row in rows]
    if new_ids is not None:
        for row, new_id in zip(values, new_ids, strict=True):
            row.insert(0, new_id)
        columns = [meta.pk.column, *columns]
    quote = database.ops.quote_name
    names = ", ".join(map(quote, columns))
    if database.vendor == "postgresql":
        return Prepared(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN", len(columns), [],
                        "".join("\t".join(map(_copy_text, row)) + "\n" for row in values))
    return Prepared(f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ", len(columns), values,  # noqa: S608
                    None)


def write_prepared(cursor, prepared: Prepared) -> None:
    """Run what ``prepare_rows`` built, with the driver's ``cursor`` (no query log holding every value): one COPY
    on PostgreSQL, multi-row INSERTs on SQLite."""
    if not prepared.width:
        return
    if prepared.text is not None:
        cursor.copy_expert(prepared.statement, io.StringIO(prepared.text))
        return
    per_statement = max(1, min(1000, _variable_limit() // prepared.width))
    placeholder = "(" + ", ".join(["?"] * prepared.width) + ")"
    rows = prepared.rows
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        cursor.execute(prepared.statement + ", ".join([placeholder] * len(chunk)),
                       [value for row in chunk for value in row])


def _json_text(value) -> str:
    """JSON text of a value; the empty object (every change-feed row of an import but status changes) without
    calling the encoder."""
    if type(value) is dict and not value:
        return "{}"
    return json.dumps(value)


def _copy_text(value) -> str:
    """One value in COPY's text format. Called for every cell of every row (millions in a national ledger):
    the common cases (a printable text without backslash, an integer) are decided first, by exact type."""
    kind = type(value)
    if kind is str:
        if value.isprintable() and "\\" not in value:
            return value  # nothing to escape (tab, line feed and carriage return are not printable)
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if kind is int:
        return str(value)
    if value is None:
        return r"\N"
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, str):  # a str subclass (a lazy translation resolved, a TextChoices member)
        return _copy_text(str(value))
    return str(value)


def _variable_limit() -> int:
    """How many ``?`` one SQLite statement may hold (32,766 since SQLite 3.32; 999 before)."""
    connection.ensure_connection()
    raw = connection.connection
    try:
        import sqlite3

        return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # Python < 3.11
        return 999
