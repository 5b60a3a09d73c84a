"""The rows of the change feed (cases.models.CaseChange): what a bank must know of, written by the service that
makes the change, in its transaction (so a change and its feed row commit or roll back together).

One row per case a change concerns: an asset's seizure, release, valuation and auction rounds concern every case
the asset answers for (each shows the asset in its detail); the offer of an asset and the creditor's answer only
the case of the creditor it is offered to; a payout, a share of an asset's proceeds and a dialogue commitment
their own case. The payload is small and plain JSON: dates as ISO text, money as whole đồng, codes (the bank
API's serializers type and document it, banks.api.serializers.CHANGE_PAYLOADS)."""
from collections.abc import Callable, Iterable, Mapping
from datetime import date

from cases.models import AssetCase, Case, CaseChange

Kind = CaseChange.Kind


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def plain_payload(payload: Mapping[str, object]) -> dict[str, object]:
    """``payload`` as JSON keeps it: dates as ISO text (YYYY-MM-DD), the rest as it is."""
    return {key: _plain(value) for key, value in payload.items()}


def change_row(*, case_id: int, kind: str, status: str, payload: Mapping[str, object] | None = None,
               event=None) -> CaseChange:
    """An unsaved feed row (case_events_record writes several at once, with the status after each event)."""
    return CaseChange(case_id=case_id, kind=kind, case_status=status, event=event,
                      payload=plain_payload(payload or {}))


def changes_record(kind: str, case_ids: Iterable[int],
                   payload: Mapping[str, object] | Callable[[int], Mapping[str, object]], *,
                   event=None) -> list[CaseChange]:
    """Write one ``kind`` row for each case of ``case_ids`` (in id order, each once), with the case's status as
    it stands in this transaction and ``payload`` (or ``payload(case_id)`` for a payload that differs by case)."""
    ids = sorted(set(case_ids))
    if not ids:
        return []
    from cases.services.changes import case_changes_relay_on_commit  # (cases.services imports this module)

    statuses = dict(Case.objects.filter(pk__in=ids).values_list("pk", "status"))
    case_changes_relay_on_commit()  # positions as soon as the change commits (the feed's read would give them too)
    return CaseChange.objects.bulk_create([
        change_row(case_id=case_id, kind=kind, status=statuses[case_id], event=event,
                   payload=payload(case_id) if callable(payload) else payload)
        for case_id in ids])


def asset_case_ids(asset_id: int) -> list[int]:
    """The cases an asset answers for: those whose detail shows it (banks.selectors.bank_case_get)."""
    return list(AssetCase.objects.filter(asset_id=asset_id).values_list("case_id", flat=True))


def status_changed_payload(*, previous: str, status: str, on: date, sequence: int) -> dict[str, object]:
    """A status change: the event (its date and sequence) that moved the case from ``previous`` to ``status``."""
    return {"previous_status": previous, "status": status, "date": on, "event_sequence": sequence}


def event_change_values(events: Iterable[tuple[int, int, str, date, int]], *,
                        status_before: Callable[[int], str]) -> list[dict[str, object]]:
    """The columns of the feed rows of new events, given as (case id, event id, status after, date, sequence),
    each case's in order: an event_recorded row for each, followed by a status_changed row when the event moved
    its case from the status before it (``status_before(case_id)`` for a case's first one) to another.
    case_events_record and the ledger import both write these."""
    rows: list[dict[str, object]] = []
    previous: dict[int, str] = {}
    for case_id, event_id, status, on, sequence in events:
        before = previous[case_id] if case_id in previous else status_before(case_id)
        rows.append({"case_id": case_id, "kind": Kind.EVENT_RECORDED, "event_id": event_id, "case_status": status,
                     "payload": {}})
        if status != before:
            rows.append({"case_id": case_id, "kind": Kind.STATUS_CHANGED, "event_id": event_id,
                         "case_status": status, "payload": plain_payload(status_changed_payload(
                             previous=before, status=status, on=on, sequence=sequence))})
        previous[case_id] = status
    return rows
