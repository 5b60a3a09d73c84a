"""Writing the audit trail. Every service that changes something calls ``audit_record`` inside its own
transaction, so the entry exists exactly when the change does."""
import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from thads.audit.context import current_source
from thads.audit.models import AuditEntry

UNSET = object()


def json_value(value):
    """A field's value as JSON: dates ISO, decimals as text, related rows by id."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _text(value) -> str | None:
    """How a related row reads (a person by name), kept with its id; None for plain values."""
    if isinstance(value, models.Model):
        profile = getattr(value, "officer_profile", None)
        if profile is not None:
            return f"{profile.full_name} ({value.get_username()})"
        return str(value)
    return None


def change(old, new) -> dict:
    """One changed field as stored: {"old", "new"} and, for related rows, {"old_text", "new_text"}."""
    entry = {"old": json_value(old), "new": json_value(new)}
    old_text, new_text = _text(old), _text(new)
    if old_text is not None or new_text is not None:
        entry["old_text"], entry["new_text"] = old_text, new_text
    return entry


def field_values(instance: models.Model, fields) -> dict[str, object]:
    """The current values of ``fields`` of ``instance`` (related rows as rows), to diff after a change."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.is_relation and field.many_to_one:
            values[name] = getattr(instance, name) if getattr(instance, field.attname) is not None else None
        else:
            values[name] = getattr(instance, name)
    return values


def creation(instance: models.Model, fields) -> dict[str, tuple[object, object]]:
    """{field: (None, value)} for a new row's ``fields`` that have a value (empty ones left out)."""
    return {name: (None, value) for name, value in field_values(instance, fields).items()
            if value is not None and value != ""}


def diff(before: dict[str, object], after: dict[str, object]) -> dict[str, tuple[object, object]]:
    """{field: (old, new)} for the fields whose value differs (related rows compared by id)."""
    return {name: (before.get(name), value) for name, value in after.items()
            if json_value(before.get(name)) != json_value(value)}


def instance_diff(before: dict[str, object], instance: models.Model) -> dict[str, tuple[object, object]]:
    """What changed in ``instance`` since ``before`` (field_values taken before the change)."""
    return diff(before, field_values(instance, before))


def _caller_name(actor, signed_in: bool) -> str:
    """Who wrote when it is not a person: a bank through one of its API keys ("bank:AGR key 1a2b3c…")."""
    if not signed_in:
        return ""
    key = getattr(actor, "key", None)
    return (f"{actor} key {key.prefix}…" if key is not None else str(actor))[:150]


def audit_entry(*, actor, action: str, obj: models.Model, changes: dict[str, tuple[object, object]] | None = None,
                case=UNSET, unit=UNSET, note: str = "", source: str | None = None) -> AuditEntry:
    """The unsaved entry audit_record would write (many at once: ``AuditEntry.objects.bulk_create``)."""
    from cases.models import Case

    if case is UNSET:
        case = obj if isinstance(obj, Case) else getattr(obj, "case", None)
    if unit is UNSET:
        unit_id = case.unit_id if case is not None else getattr(obj, "unit_id", None)
    else:
        unit_id = unit.pk if unit is not None else None
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    person = actor if signed_in and isinstance(actor, models.Model) else None
    return AuditEntry(
        actor=person, actor_name=person.get_username() if person is not None else _caller_name(actor, signed_in),
        source=source or current_source(), action=action,
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk),
        object_repr=str(obj)[:255], case=case, unit_id=unit_id,
        changes={name: change(old, new) for name, (old, new) in (changes or {}).items()}, note=note)


def audit_record(*, actor, action: str, obj: models.Model, changes: dict[str, tuple[object, object]] | None = None,
                 case=UNSET, unit=UNSET, note: str = "", source: str | None = None) -> AuditEntry:
    """Record that ``actor`` (None or anonymous: the system) did ``action`` to ``obj``, changing each field of
    ``changes`` from its first value to its second. ``case`` and ``unit`` default to the object's own
    (``obj.case`` / ``obj.unit`` when it has them, ``obj`` itself when it is a case). ``source`` defaults to the
    door the write came through (thads.audit.context). Call it inside the service's transaction."""
    entry = audit_entry(actor=actor, action=action, obj=obj, changes=changes, case=case, unit=unit, note=note,
                        source=source)
    entry.save()
    return entry
