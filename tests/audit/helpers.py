"""Reading back the audit entry a write left, for the coverage tests."""
from thads.audit.models import AuditEntry


def last_entry(action: str, **filters) -> AuditEntry:
    """The latest entry of ``action`` (fails if there is none)."""
    entry = AuditEntry.objects.filter(action=action, **filters).order_by("-id").first()
    assert entry is not None, f"no audit entry {action}"
    return entry


def old_new(entry: AuditEntry) -> dict[str, tuple[object, object]]:
    """{field: (old, new)} as stored."""
    return {name: (values["old"], values["new"]) for name, values in entry.changes.items()}


def who(entry: AuditEntry) -> tuple:
    return entry.actor, entry.source, entry.case_id, entry.unit_id
