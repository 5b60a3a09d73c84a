"""Reading the audit trail, scoped to what the person may read, with values as people read them."""
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from thads.audit.context import Source
from thads.audit.models import Action, AuditEntry
from thads.core.money import format_vnd
from thads.org.selectors import ALL_UNITS, readable_unit_ids

# Keys of ``changes`` that are not fields of the audited model.
EXTRA_LABELS = {
    "status": lambda: _("Status"),
    "scopes": lambda: _("Scopes"),
    "banks": lambda: _("Banks"),
}


def audit_entries_for_user(user) -> QuerySet[AuditEntry]:
    """The entries ``user`` may read: those of the units whose cases they read; entries belonging to no unit
    (a bank's API keys) only for people who read every unit; changes to officers' profiles only for people
    who may read the profiles (not an officer reading a colleague's change of role)."""
    entries = AuditEntry.objects.select_related("content_type", "actor", "case")
    unit_ids = readable_unit_ids(user)
    if unit_ids is ALL_UNITS:
        return entries
    entries = entries.filter(unit_id__in=unit_ids)
    if not user.has_perm("org.view_officerprofile"):
        entries = entries.exclude(action=Action.OFFICER_PROFILE)
    return entries


@dataclass(frozen=True)
class ChangeLine:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class TrailRow:
    at: datetime.datetime
    actor: str
    source: str
    action: str
    record: str
    changes: list[ChangeLine] = field(default_factory=list)
    note: str = ""


def _model_field(model, name):
    """The model's own field ``name``; None for a key that is not one (a reverse relation of the same name,
    such as a session's ``banks``, is not a field of the row)."""
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None
    return None if field is not None and field.auto_created and not field.concrete else field


def value_text(model_field, value, text=None) -> str:
    """A stored value as people read it: choices by their label, dates day-first, money in đồng, related rows
    by the name kept when written."""
    if text:
        return text
    if value is None or value == "":
        return "—"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(model_field, models.DateTimeField):
        moment = datetime.datetime.fromisoformat(value)
        return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).strftime("%d/%m/%Y %H:%M")
    if isinstance(model_field, models.DateField):
        return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
    if isinstance(model_field, models.BigIntegerField) and not isinstance(model_field, models.PositiveBigIntegerField):
        return format_vnd(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


def change_lines(entry: AuditEntry) -> list[ChangeLine]:
    """Each changed field of ``entry``: its label and its values before and after, in the reader's language."""
    model = entry.content_type.model_class()
    # In the model's field order (PostgreSQL's jsonb keeps no key order).
    order = {f.name: index for index, f in enumerate(model._meta.fields)} if model is not None else {}
    lines = []
    for name, values in sorted(entry.changes.items(), key=lambda item: (order.get(item[0], len(order)), item[0])):
        model_field = _model_field(model, name)
        if model_field is not None:
            label = str(model_field.verbose_name)
            label = label[:1].upper() + label[1:]
        else:
            label = EXTRA_LABELS[name]() if name in EXTRA_LABELS else name
        lines.append(ChangeLine(label, value_text(model_field, values.get("old"), values.get("old_text")),
                                value_text(model_field, values.get("new"), values.get("new_text"))))
    return lines


def actor_text(user, name: str = "") -> str:
    if user is None:
        return name or _("System")
    profile = getattr(user, "officer_profile", None)
    return f"{profile.full_name} ({user.get_username()})" if profile is not None else user.get_username()


def entry_row(entry: AuditEntry) -> TrailRow:
    return TrailRow(at=entry.at, actor=actor_text(entry.actor, entry.actor_name), source=entry.get_source_display(),
                    action=entry.get_action_display(), record=entry.object_repr, changes=change_lines(entry),
                    note=entry.note)


_EVENT_SOURCES = {"web": Source.PAGE, "admin": Source.ADMIN, "import": Source.IMPORT, "api": Source.API,
                  "command": Source.COMMAND, "job": Source.JOB, "system": Source.SYSTEM}


def case_audit_trail(user, case, *, events=None) -> list[TrailRow]:
    """Everything recorded about ``case`` that ``user`` may read, latest first: the audit entries, and the
    events (each event row is its own record: who recorded it, when, through which door). Empty for a person
    who may not read the case. ``events``: the case's events when the caller has them already (with
    ``recorded_by__officer_profile``)."""
    from cases.models import CaseEvent

    unit_ids = readable_unit_ids(user)  # once: the same rule as the case itself
    if unit_ids is not ALL_UNITS and case.unit_id not in unit_ids:
        return []
    entries = (AuditEntry.objects.filter(case_id=case.pk, unit_id=case.unit_id)
               .select_related("content_type", "actor__officer_profile"))
    rows = [entry_row(entry) for entry in entries]
    # A cancellation recorded with its audit entry (the cancelled event's values) is shown by that entry.
    cancelled_ids = {int(entry.object_id) for entry in entries if entry.action == Action.EVENT_CANCEL}
    if events is None:
        events = list(CaseEvent.objects.filter(case_id=case.pk).select_related("recorded_by__officer_profile"))
    sequence_of = {event.pk: event.sequence for event in events}
    kind_field = CaseEvent._meta.get_field("kind")
    for event in events:
        if event.cancels_id in cancelled_ids:
            continue
        if event.cancels_id is not None:
            number = sequence_of.get(event.cancels_id)
            action = _("Event #%(number)s cancelled") % {"number": number}
            changes = [ChangeLine(_("Event #%(number)s") % {"number": number}, pgettext("event", "In force"),
                                  pgettext("event", "Cancelled"))]
        else:
            action = _("Event recorded")
            new = value_text(kind_field, event.kind) + f", {event.date:%d/%m/%Y}"
            if event.amount:
                new += f", {format_vnd(event.amount)}"
            changes = [ChangeLine(_("Event #%(number)s") % {"number": event.sequence}, "—", new)]
        rows.append(TrailRow(at=event.recorded_at, actor=actor_text(event.recorded_by),
                             source=str(Source(_EVENT_SOURCES.get(event.source, Source.SYSTEM)).label),
                             action=action, record=str(CaseEvent._meta.verbose_name), changes=changes,
                             note=event.note if event.cancels_id else ""))
    rows.sort(key=lambda row: row.at, reverse=True)
    return rows


def audit_entries_visible(user, case) -> bool:
    """Whether ``user`` reads the trail of ``case`` (the same rule as the case itself)."""
    unit_ids = readable_unit_ids(user)
    return unit_ids is ALL_UNITS or case.unit_id in unit_ids
