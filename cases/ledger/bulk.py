"""Insert many model rows at the speed of the database's own bulk path: COPY on PostgreSQL, multi-row INSERT on
SQLite. For the ledger import, which writes hundreds of thousands of rows the services built and checked.

``bulk_create`` spends most of its time preparing each value of each object through its field (tens of
microseconds a row). Here the rows are model instances built by the services' own builders (case_build,
party_rows, event_row), so their values are already what the fields hold: only dates and timestamps are
adapted, and ``auto_now``/``auto_now_add`` timestamps are filled in as ``pre_save`` would. No signals are sent
(the same as bulk_create). New ids are set on the instances when asked for.
"""
import io
from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone

# Field types whose values the database driver does not take as they are.
ADAPTED_TYPES = {"DateField", "DateTimeField", "TimeField", "DecimalField", "UUIDField", "JSONField", "DurationField"}


def insert_rows(model: type[models.Model], objects: Sequence[models.Model], *, set_ids: bool = False) -> None:
    """Insert ``objects`` (unsaved instances of ``model``) in the current transaction. With ``set_ids``, each
    instance's primary key is set to the id it was given."""
    if not objects:
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    getters = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = field.get_db_prep_save(now, connection)
            getters.append(lambda _obj, value=value: value)
        elif field.get_internal_type() in ADAPTED_TYPES:
            getters.append(lambda obj, attname=field.attname, field=field: field.get_db_prep_save(
                obj.__dict__[attname], connection))
        else:
            getters.append(lambda obj, attname=field.attname: obj.__dict__[attname])
    rows = [[get(obj) for get in getters] for obj in objects]
    columns = [field.column for field in fields]
    if connection.vendor == "postgresql":
        _copy(meta, columns, objects, rows, set_ids)
    else:
        _insert(meta, columns, objects, rows, set_ids)


def _copy(meta, columns, objects, rows, set_ids) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the driver's cursor: no query log (DEBUG) holding every value
        if set_ids:
            # Ids drawn from the table's own sequence, so concurrent writers never collide with them.
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(rows)])
            ids = [row[0] for row in cursor.fetchall()]
            for obj, row, new_id in zip(objects, rows, ids, strict=True):
                row.insert(0, new_id)
                _saved(obj, new_id)
            columns = [meta.pk.column, *columns]
        buffer = io.StringIO()
        buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in rows)
        buffer.seek(0)
        cursor.copy_expert(f"COPY {quote(meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN", buffer)


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def _insert(meta, columns, objects, rows, set_ids) -> None:
    quote = connection.ops.quote_name
    limit = _variable_limit()
    per_statement = max(1, min(1000, limit // len(columns)))
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) VALUES "  # noqa: S608 (names from the model)
    placeholder = "(" + ", ".join(["?"] * len(columns)) + ")"
    returning = f" RETURNING {quote(meta.pk.column)}" if set_ids else ""
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the driver's cursor: no query log (DEBUG) holding every value
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            cursor.execute(head + ", ".join([placeholder] * len(chunk)) + returning,
                           [value for row in chunk for value in row])
            if set_ids:
                # SQLite (≥ 3.35) returns the new ids in the order of the VALUES, as bulk_create relies on.
                for obj, (new_id,) in zip(objects[start:start + per_statement], cursor.fetchall(), strict=True):
                    _saved(obj, new_id)


def _saved(obj: models.Model, new_id: int) -> None:
    obj.pk = new_id
    obj._state.adding, obj._state.db = False, connection.alias


def _variable_limit() -> int:
    """How many ``?`` one SQLite statement may hold (32,766 since SQLite 3.32; 999 before)."""
    connection.ensure_connection()
    raw = connection.connection
    try:
        import sqlite3

        return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # Python < 3.11
        return 999
