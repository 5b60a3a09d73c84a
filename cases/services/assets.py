"""Every write to assets, seizures, valuations, auctions, enforcement costs and distributions.

Each function is one transaction: it checks the step with cases.auction_rules (the legal rules, tied to the
regime in force on the step's date) before writing, and a refusal raises DomainError with nothing written.
Money that reaches a case (a sale, a hand-over, a collection from the asset) is recorded on it as a
``thu_tien`` event through cases.services.case_events_record, so the case's state, statistics and payout
deadline follow from the same event history as any other collection.
"""
import functools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banks.models import Bank, Collateral
from cases import auction_rules
from cases.changes import Kind as ChangeKind
from cases.changes import asset_case_ids, changes_record
from cases.codes import (
    ENDED_STATUSES,
    AssetKind,
    AuctionClosure,
    Category,
    ClaimRank,
    CostKind,
    DistributionSource,
    EventKind,
    LandType,
    OwnerKind,
    PriceSetBy,
    RoundOutcome,
    SeizureStatus,
    Status,
    ValuationMethod,
)
from cases.models import (
    Asset,
    AssetCase,
    Auction,
    AuctionRound,
    Case,
    CreditorOffer,
    Distribution,
    DistributionShare,
    EnforcementCost,
    Seizure,
    Valuation,
)
from cases.selectors import (
    asset_costs,
    asset_costs_outstanding,
    asset_is_writable_by,
    asset_links,
    auction_state,
    case_is_writable_by,
    effective_valuation,
    working_calendar,
)
from cases.services import EventData, _check_choice, _require, case_events_record
from cases.services.deadlines import case_deadlines_refresh
from thads.audit.models import Action, AuditEntry
from thads.audit.services import audit_entry, audit_record, creation, field_values, instance_diff
from thads.core.dates import nearest_lunar_new_year
from thads.core.errors import DomainError, PermissionDeniedError
from thads.core.money import format_vnd


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _check_date(day: date, today: date, field: str, *, not_before: date | None = None, what: str = "") -> None:
    _require(isinstance(day, date), _("The date is missing."), code="required", field=field)
    _require(day <= today, _("The date %(date)s is in the future.") % {"date": day.strftime("%d/%m/%Y")},
             code="date_in_future", field=field)
    if not_before is not None:
        _require(day >= not_before, _("The date %(date)s is before %(what)s (%(before)s).") % {
            "date": day.strftime("%d/%m/%Y"), "what": what, "before": not_before.strftime("%d/%m/%Y")},
            code="date_order", field=field)


def _check_amount(amount, field: str, *, allow_zero: bool = False) -> None:
    valid = isinstance(amount, int) and not isinstance(amount, bool) and (amount >= 0 if allow_zero else amount > 0)
    _require(valid, _("The amount must be a positive whole number (đồng)."), code="invalid_amount", field=field)


def _refuse(error: auction_rules.AuctionRuleError) -> DomainError:
    return DomainError(error.message, code=error.code, field=error.field)


def _require_writable(actor, asset: Asset) -> None:
    if not asset_is_writable_by(actor, asset):
        raise PermissionDeniedError(_("You are not allowed to record steps for this asset."))


def _recorder(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _lock_asset(asset: Asset) -> Asset:
    """Steps on one asset are applied one after the other: two officers recording rounds at once would
    otherwise both see the same 'previous round'."""
    return Asset.objects.select_for_update().get(pk=asset.pk)


# ---- assets and collateral ----------------------------------------------------------------------------------

def _asset_id_of(result) -> int:
    """The asset a step's result belongs to (a seizure, valuation, auction, round, offer or distribution)."""
    for path in (("asset_id",), ("seizure", "asset_id"), ("auction", "seizure", "asset_id")):
        value = result
        for name in path:
            value = getattr(value, name, None)
        if value is not None:
            return value
    raise TypeError(f"no asset behind {result!r}")


def _deadlines_follow(service):
    """Every asset step can move a deadline of the cases the asset was seized in (cases.deadlines'
    asset deadlines): refresh their cached deadlines in the step's transaction (the decorator goes under
    ``transaction.atomic``). Cases receiving money are refreshed by case_events_record already."""
    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        result = service(*args, **kwargs)
        case_deadlines_refresh(Seizure.objects.filter(asset_id=_asset_id_of(result)).values_list("case_id", flat=True))
        return result
    return wrapper


@dataclass(frozen=True)
class AssetData:
    kind: str
    description: str
    owner_name: str
    owner_kind: str = OwnerKind.DEBTOR
    location: str = ""
    parcel_no: str = ""
    map_sheet_no: str = ""
    area_m2: Decimal | None = None
    land_type: str = ""
    certificate_no: str = ""
    plate_no: str = ""
    account_no: str = ""
    share_count: int | None = None


def default_rank(case: Case) -> int:
    """State-budget cases are court fees as a rule (rank 2); everything else is an ordinary debt (rank 3).
    The officer corrects the rank of maintenance, wages and damages for life and health (rank 1)."""
    return ClaimRank.COURT_FEES if case.category == Category.NGAN_SACH else ClaimRank.OTHER


def asset_check(*, data: AssetData) -> None:
    _check_choice(data.kind, AssetKind, "kind")
    _check_choice(data.owner_kind, OwnerKind, "owner_kind")
    _require(bool(data.description.strip()), _("Describe the asset."), code="required", field="description")
    _require(bool(data.owner_name.strip()), _("The owner's name is missing."), code="required", field="owner_name")
    if data.kind == AssetKind.LAND_USE_RIGHT:
        _require(bool(data.parcel_no.strip()), _("A land use right needs its parcel number."), code="required",
                 field="parcel_no")
        _require(bool(data.map_sheet_no.strip()), _("A land use right needs its map sheet number."),
                 code="required", field="map_sheet_no")
        _require(data.area_m2 is not None and data.area_m2 > 0, _("A land use right needs its area in m²."),
                 code="required", field="area_m2")
        _check_choice(data.land_type, LandType, "land_type")
    if data.kind == AssetKind.VEHICLE:
        _require(bool(data.plate_no.strip()), _("A vehicle needs its number plate."), code="required",
                 field="plate_no")
    _require(data.share_count is None or data.share_count > 0, _("The number of shares must be positive."),
             code="invalid_amount", field="share_count")


@transaction.atomic
def asset_create(*, actor, cases: list[Case], data: AssetData) -> Asset:
    """Record a debtor's asset and the cases it answers for (at least one; all of one unit, all open and
    writable by ``actor``). Each case gets the default rank (see default_rank)."""
    asset_check(data=data)
    _require(bool(cases), _("Name at least one case the asset answers for."), code="required", field="cases")
    units = {case.unit_id for case in cases}
    _require(len(units) == 1, _("The cases of one asset belong to one unit."), code="units_differ", field="cases")
    for case in cases:
        if not case_is_writable_by(actor, case):
            raise PermissionDeniedError(_("You are not allowed to write to case %(case)s.") % {"case": case.case_no})
        _require(case.status not in ENDED_STATUSES, _("Case %(case)s has ended.") % {"case": case.case_no},
                 code="case_ended", field="cases")
    asset = Asset.objects.create(
        unit_id=units.pop(), kind=data.kind, description=data.description.strip(),
        owner_kind=data.owner_kind, owner_name=data.owner_name.strip(), location=data.location.strip(),
        parcel_no=data.parcel_no.strip(), map_sheet_no=data.map_sheet_no.strip(), area_m2=data.area_m2,
        land_type=data.land_type, certificate_no=data.certificate_no.strip(), plate_no=data.plate_no.strip(),
        account_no=data.account_no.strip(), share_count=data.share_count, created_by=_recorder(actor))
    AssetCase.objects.bulk_create([AssetCase(asset=asset, case=case, rank=default_rank(case)) for case in cases])
    fields = ["kind", "description", "owner_kind", "owner_name", "location", "parcel_no", "map_sheet_no", "area_m2",
              "land_type", "certificate_no", "plate_no", "account_no", "share_count"]
    AuditEntry.objects.bulk_create([audit_entry(actor=actor, action=Action.ASSET_CREATE, obj=asset, case=case,
                                                changes=creation(asset, fields)) for case in cases])
    return asset


@transaction.atomic
def asset_case_link(*, actor, asset: Asset, case: Case, rank: int | None = None, interest_due: int = 0) -> AssetCase:
    """Add a case the asset answers for, or correct a link's rank and interest (before any distribution)."""
    asset = _lock_asset(asset)
    if not case_is_writable_by(actor, case):
        raise PermissionDeniedError(_("You are not allowed to write to case %(case)s.") % {"case": case.case_no})
    _require(case.unit_id == asset.unit_id, _("The cases of one asset belong to one unit."), code="units_differ",
             field="case")
    _require(case.status not in ENDED_STATUSES, _("Case %(case)s has ended.") % {"case": case.case_no},
             code="case_ended", field="case")
    existing = AssetCase.objects.filter(asset=asset, case=case).first()
    if rank is None:  # keep the rank already set; a new link gets the default
        rank = existing.rank if existing is not None else default_rank(case)
    _check_choice(rank, ClaimRank, "rank")
    _check_amount(interest_due, "interest_due", allow_zero=True)
    _require(interest_due <= case.amount_due, _("The interest cannot exceed the amount due."), code="invalid_amount",
             field="interest_due")
    _require(not Distribution.objects.filter(asset=asset).exists(),
             _("The asset's proceeds were already distributed; its claims can no longer change."),
             code="already_distributed")
    before = field_values(existing, ["rank", "interest_due"]) if existing else {"rank": None, "interest_due": None}
    link, _created = AssetCase.objects.update_or_create(asset=asset, case=case,
                                                        defaults={"rank": rank, "interest_due": interest_due})
    if changes := instance_diff(before, link):
        audit_record(actor=actor, action=Action.ASSET_CASE_LINK, obj=link, case=case, changes=changes)
    return link


@transaction.atomic
def collateral_register(*, actor, asset: Asset, bank: Bank, loan_contract_no: str, principal: int,
                        secured_amount: int, kind: str = Collateral.Kind.MORTGAGE, contractual_interest: int = 0,
                        penalty_interest: int = 0, loan_contract_date: date | None = None,
                        security_contract_no: str = "", registered_on: date | None = None,
                        registration_office: str = "", today: date | None = None) -> Collateral:
    """Record that ``bank`` holds a mortgage or pledge over ``asset`` for a loan. The bank must be the
    creditor of one of the cases the asset answers for: that is whose security a seized asset is."""
    asset = _lock_asset(asset)
    _require_writable(actor, asset)
    _check_choice(kind, Collateral.Kind, "kind")
    _require(bool(loan_contract_no.strip()), _("The loan contract number is missing."), code="required",
             field="loan_contract_no")
    for field, value in (("principal", principal), ("secured_amount", secured_amount)):
        _check_amount(value, field)
    for field, value in (("contractual_interest", contractual_interest), ("penalty_interest", penalty_interest)):
        _check_amount(value, field, allow_zero=True)
    if registered_on is not None:
        _check_date(registered_on, _today(today), "registered_on")
    _require(asset.cases.filter(creditor_bank=bank).exists(),
             _("%(bank)s is not the creditor of any case this asset answers for.") % {"bank": bank.name},
             code="bank_not_creditor", field="bank")
    _require(not Collateral.objects.filter(bank=bank, asset=asset, loan_contract_no=loan_contract_no.strip()).exists(),
             _("This loan's security over the asset is already recorded."), code="duplicate", field="loan_contract_no")
    collateral = Collateral.objects.create(
        bank=bank, asset=asset, kind=kind, loan_contract_no=loan_contract_no.strip(),
        loan_contract_date=loan_contract_date, principal=principal, contractual_interest=contractual_interest,
        penalty_interest=penalty_interest, secured_amount=secured_amount,
        security_contract_no=security_contract_no.strip(), registered_on=registered_on,
        registration_office=registration_office.strip(), recorded_by=_recorder(actor))
    audit_record(actor=actor, action=Action.COLLATERAL_REGISTER, obj=collateral,
                 case=asset.cases.filter(creditor_bank=bank).order_by("pk").first(), changes=creation(collateral, [
                     "bank", "kind", "loan_contract_no", "loan_contract_date", "principal", "contractual_interest",
                     "penalty_interest", "secured_amount", "security_contract_no", "registered_on",
                     "registration_office"]))
    return collateral


# ---- seizure and valuation ----------------------------------------------------------------------------------

@transaction.atomic
@_deadlines_follow
def seizure_record(*, actor, asset: Asset, case: Case, seized_on: date, minutes_no: str, officer=None,
                   with_mobilised_forces: bool = False, today: date | None = None) -> Seizure:
    """Kê biên: seize ``asset`` in ``case`` (one the asset answers for, open, and with conditions for
    enforcement). Refused while another seizure of the asset is in force, and — under a regime with a Tết
    blackout (from 1/7/2026: 15 days) — a coercion with mobilised forces that close to Tết."""
    asset = _lock_asset(asset)
    today = _today(today)
    if not case_is_writable_by(actor, case):
        raise PermissionDeniedError(_("You are not allowed to write to case %(case)s.") % {"case": case.case_no})
    _require(AssetCase.objects.filter(asset=asset, case=case).exists(),
             _("The asset does not answer for case %(case)s.") % {"case": case.case_no}, code="not_linked",
             field="case")
    _require(case.status == Status.WITH_CONDITIONS,
             _("An asset is seized only in a case being enforced (case %(case)s: %(status)s).") % {
                 "case": case.case_no, "status": Status(case.status).label}, code="case_not_enforceable", field="case")
    _require(bool(minutes_no.strip()), _("The seizure minutes number is missing."), code="required",
             field="minutes_no")
    _check_date(seized_on, today, "seized_on", not_before=case.accepted_on, what=_("the acceptance of the case"))
    _require(not Seizure.objects.filter(asset=asset, status=SeizureStatus.IN_FORCE).exists(),
             _("The asset is already under a seizure in force."), code="already_seized")
    blackout = auction_rules.auction_regime_on(seized_on).tet_coercion_blackout_days
    tet = nearest_lunar_new_year(seized_on)
    if with_mobilised_forces and blackout and tet is not None:
        _require(abs((seized_on - tet).days) > blackout,
                 _("No coercion with mobilised forces within %(days)s days of Tết (%(tet)s).") % {
                     "days": blackout, "tet": tet.strftime("%d/%m/%Y")}, code="tet_blackout", field="seized_on")
    seizure = Seizure.objects.create(asset=asset, case=case, seized_on=seized_on, minutes_no=minutes_no.strip(),
                                     officer=officer or _recorder(actor),
                                     with_mobilised_forces=bool(with_mobilised_forces), recorded_by=_recorder(actor))
    audit_record(actor=actor, action=Action.SEIZURE_RECORD, obj=seizure, changes=creation(seizure, [
        "asset", "seized_on", "minutes_no", "officer", "with_mobilised_forces", "status"]))
    changes_record(ChangeKind.SEIZURE_RECORDED, asset_case_ids(asset.pk), lambda case_id: {
        "asset_id": asset.pk, "asset_kind": asset.kind, "seizure_id": seizure.pk, "seized_on": seized_on,
        "minutes_no": seizure.minutes_no, "seized_in_this_case": case_id == case.pk})
    return seizure


@transaction.atomic
@_deadlines_follow
def seizure_release(*, actor, seizure: Seizure, released_on: date, reason: str, today: date | None = None) -> Seizure:
    """Release a seizure (giải tỏa kê biên). Refused while its auction is open."""
    _lock_asset(seizure.asset)
    seizure = Seizure.objects.select_for_update().get(pk=seizure.pk)
    _require_writable(actor, seizure.asset)
    _require(seizure.status == SeizureStatus.IN_FORCE, _("The seizure was already released."), code="not_in_force")
    _require(bool(reason.strip()), _("Give the reason for the release."), code="required", field="release_reason")
    _check_date(released_on, _today(today), "released_on", not_before=seizure.seized_on, what=_("the seizure"))
    auction = Auction.objects.filter(seizure=seizure).first()
    _require(auction is None or bool(auction.closed_as), _("Close the auction before releasing the seizure."),
             code="auction_open")
    before = field_values(seizure, ["status", "released_on", "release_reason"])
    seizure.status, seizure.released_on, seizure.release_reason = SeizureStatus.RELEASED, released_on, reason.strip()
    seizure.save(update_fields=["status", "released_on", "release_reason"])
    audit_record(actor=actor, action=Action.SEIZURE_RELEASE, obj=seizure, changes=instance_diff(before, seizure))
    changes_record(ChangeKind.SEIZURE_RELEASED, asset_case_ids(seizure.asset_id), {
        "asset_id": seizure.asset_id, "seizure_id": seizure.pk, "seized_on": seizure.seized_on,
        "released_on": released_on, "release_reason": seizure.release_reason})
    return seizure


def _seizure_in_force(seizure: Seizure) -> None:
    _require(seizure.status == SeizureStatus.IN_FORCE, _("The seizure has been released."), code="not_in_force")


@transaction.atomic
@_deadlines_follow
def valuation_record(*, actor, seizure: Seizure, method: str, value: int, valued_on: date, firm_name: str = "",
                     contract_signed_on: date | None = None, notified_on: date | None = None,
                     today: date | None = None) -> Valuation:
    """The valuation of a seized asset, which gives the auction's starting price: by the parties'
    agreement, else a valuation firm (contracted within 5 working days of the seizure), else the officer,
    or under the new law a valuation council. One per seizure; a second one is a re-valuation."""
    _lock_asset(seizure.asset)
    today = _today(today)
    _require_writable(actor, seizure.asset)
    _seizure_in_force(seizure)
    _check_choice(method, ValuationMethod, "method")
    regime = auction_rules.auction_regime_on(valued_on if isinstance(valued_on, date) else today)
    _require(method != ValuationMethod.COUNCIL or regime.valuation_council_allowed,
             _("A valuation council values assets only under the law in force from 1/7/2026."),
             code="method_not_in_regime", field="method")
    _check_amount(value, "value")
    _check_date(valued_on, today, "valued_on", not_before=seizure.seized_on, what=_("the seizure"))
    if method == ValuationMethod.FIRM:
        _require(bool(firm_name.strip()), _("Name the valuation firm."), code="required", field="firm_name")
        _require(contract_signed_on is not None, _("Give the date of the valuation contract."), code="required",
                 field="contract_signed_on")
    if contract_signed_on is not None:
        _check_date(contract_signed_on, today, "contract_signed_on", not_before=seizure.seized_on,
                    what=_("the seizure"))
        _require(contract_signed_on <= valued_on, _("The valuation cannot precede its contract."),
                 code="date_order", field="valued_on")
    if notified_on is not None:
        _check_date(notified_on, today, "notified_on", not_before=valued_on, what=_("the valuation"))
    _require(not Valuation.objects.filter(seizure=seizure).exists(),
             _("The asset is already valued; a second valuation is a re-valuation on request."),
             code="already_valued")
    valuation = Valuation.objects.create(seizure=seizure, method=method, firm_name=firm_name.strip(),
                                         contract_signed_on=contract_signed_on, valued_on=valued_on, value=value,
                                         notified_on=notified_on, recorded_by=_recorder(actor))
    audit_record(actor=actor, action=Action.VALUATION_RECORD, obj=valuation, case=seizure.case,
                 changes=creation(valuation, VALUATION_FIELDS))
    _valuation_changed(valuation)
    return valuation


VALUATION_FIELDS = ["method", "firm_name", "contract_signed_on", "valued_on", "value", "notified_on",
                    "revaluation_of", "revaluation_requested_on", "requested_by"]


def _valuation_changed(valuation: Valuation) -> None:
    """The feed rows of a new valuation or re-valuation (its value becomes the starting price)."""
    seizure = valuation.seizure
    changes_record(ChangeKind.VALUATION_RECORDED, asset_case_ids(seizure.asset_id), {
        "asset_id": seizure.asset_id, "seizure_id": seizure.pk, "method": valuation.method, "value": valuation.value,
        "valued_on": valuation.valued_on, "is_revaluation": valuation.revaluation_of_id is not None})


@transaction.atomic
@_deadlines_follow
def valuation_notify(*, actor, valuation: Valuation, notified_on: date, today: date | None = None) -> Valuation:
    """Record the day the parties were notified of the valuation (once): the re-valuation window runs
    from it."""
    _lock_asset(valuation.seizure.asset)
    valuation = Valuation.objects.select_related("seizure__asset").get(pk=valuation.pk)
    _require_writable(actor, valuation.seizure.asset)
    _require(valuation.notified_on is None, _("The notice of this valuation is already recorded."),
             code="already_notified", field="notified_on")
    _check_date(notified_on, _today(today), "notified_on", not_before=valuation.valued_on, what=_("the valuation"))
    valuation.notified_on = notified_on
    valuation.save(update_fields=["notified_on"])
    audit_record(actor=actor, action=Action.VALUATION_NOTIFY, obj=valuation, case=valuation.seizure.case,
                 changes={"notified_on": (None, notified_on)})
    return valuation


def revaluation_deadline(valuation: Valuation, calendar=None) -> date | None:
    """The last day a party may request the re-valuation: 5 working days from notice of the valuation."""
    if valuation.notified_on is None:
        return None
    regime = auction_rules.auction_regime_on(valuation.notified_on)
    return (calendar or working_calendar()).add_working_days(valuation.notified_on,
                                                             regime.revaluation_request_working_days)


@transaction.atomic
@_deadlines_follow
def revaluation_record(*, actor, valuation: Valuation, requested_on: date, requested_by: str, method: str,
                       value: int, valued_on: date, firm_name: str = "", contract_signed_on: date | None = None,
                       notified_on: date | None = None, today: date | None = None) -> Valuation:
    """The one re-valuation a party may request within 5 working days of notice of the valuation, before
    any auction round; its value becomes the starting price."""
    seizure = valuation.seizure
    _lock_asset(seizure.asset)
    today = _today(today)
    _require_writable(actor, seizure.asset)
    _seizure_in_force(seizure)
    _require(valuation.revaluation_of_id is None and not Valuation.objects.filter(revaluation_of=valuation).exists(),
             _("The asset was already re-valued once."), code="revaluation_exists")
    _require(valuation.notified_on is not None, _("The parties were not notified of the valuation yet."),
             code="not_notified")
    _check_date(requested_on, today, "requested_on", not_before=valuation.notified_on,
                what=_("the notice of the valuation"))
    deadline = revaluation_deadline(valuation)
    _require(requested_on <= deadline, _("The re-valuation was requested on %(date)s, after the window that ended "
                                         "on %(deadline)s.") % {"date": requested_on.strftime("%d/%m/%Y"),
                                                                 "deadline": deadline.strftime("%d/%m/%Y")},
             code="revaluation_too_late", field="requested_on")
    _require(bool(requested_by.strip()), _("Say who requested the re-valuation."), code="required",
             field="requested_by")
    _require(not AuctionRound.objects.filter(auction__seizure=seizure).exists(),
             _("The auction has started: the valuation can no longer be challenged."), code="auction_started")
    _check_choice(method, ValuationMethod, "method")
    _check_amount(value, "value")
    _check_date(valued_on, today, "valued_on", not_before=requested_on, what=_("the request"))
    if method == ValuationMethod.FIRM:
        _require(bool(firm_name.strip()), _("Name the valuation firm."), code="required", field="firm_name")
    revaluation = Valuation.objects.create(seizure=seizure, method=method, firm_name=firm_name.strip(),
                                           contract_signed_on=contract_signed_on, valued_on=valued_on, value=value,
                                           notified_on=notified_on, revaluation_of=valuation,
                                           revaluation_requested_on=requested_on, requested_by=requested_by.strip(),
                                           recorded_by=_recorder(actor))
    audit_record(actor=actor, action=Action.REVALUATION_RECORD, obj=revaluation, case=seizure.case,
                 changes=creation(revaluation, VALUATION_FIELDS))
    _valuation_changed(revaluation)
    return revaluation


# ---- auctions -----------------------------------------------------------------------------------------------

@transaction.atomic
@_deadlines_follow
def auction_create(*, actor, seizure: Seizure, organisation: str, contract_no: str, contract_signed_on: date,
                   today: date | None = None) -> Auction:
    """Contract an auction organisation to sell a seized, valued asset (real estate always; movables above
    10 million đồng)."""
    _lock_asset(seizure.asset)
    today = _today(today)
    _require_writable(actor, seizure.asset)
    _seizure_in_force(seizure)
    valuation = effective_valuation(seizure)
    _require(valuation is not None, _("No auction before the asset is valued."), code="no_valuation")
    _require(not Auction.objects.filter(seizure=seizure).exists(), _("The asset already has an auction."),
             code="auction_exists")
    regime = auction_rules.auction_regime_on(contract_signed_on if isinstance(contract_signed_on, date) else today)
    _require(seizure.asset.is_real_estate or valuation.value > regime.movable_auction_threshold,
             _("A movable valued at %(value)s (not above %(threshold)s) is sold by the enforcement officer "
               "without an auction organisation: record the money as collected from the asset.") % {
                 "value": format_vnd(valuation.value), "threshold": format_vnd(regime.movable_auction_threshold)},
             code="direct_sale")
    _require(bool(organisation.strip()), _("Name the auction organisation."), code="required", field="organisation")
    _require(bool(contract_no.strip()), _("The auction contract number is missing."), code="required",
             field="contract_no")
    _check_date(contract_signed_on, today, "contract_signed_on", not_before=valuation.valued_on,
                what=_("the valuation"))
    auction = Auction.objects.create(seizure=seizure, organisation=organisation.strip(),
                                     contract_no=contract_no.strip(), contract_signed_on=contract_signed_on,
                                     recorded_by=_recorder(actor))
    audit_record(actor=actor, action=Action.AUCTION_CREATE, obj=auction, case=seizure.case, changes=creation(
        auction, ["organisation", "contract_no", "contract_signed_on"]))
    return auction


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _auction_close(*, actor, auction: Auction, how: str, on: date) -> None:
    before = field_values(auction, ["closed_as", "closed_on"])
    auction.closed_as, auction.closed_on = how, on
    auction.save(update_fields=["closed_as", "closed_on"])
    audit_record(actor=actor, action=Action.AUCTION_CLOSE, obj=auction, case=auction.seizure.case,
                 changes=instance_diff(before, auction))


def _open_auction(auction: Auction) -> Auction:
    auction = Auction.objects.select_related("seizure__asset").get(pk=auction.pk)
    _require(not auction.closed_as, _("The auction is closed (%(how)s).") % {"how": auction.get_closed_as_display()},
             code="auction_closed")
    return auction


@transaction.atomic
@_deadlines_follow
def auction_round_record(*, actor, auction: Auction, held_on: date, starting_price: int, outcome: str,
                         price_set_by: str | None = None, sale_price: int | None = None, buyer_name: str = "",
                         today: date | None = None) -> AuctionRound:
    """Record an auction round and its outcome. Enforces (cases.auction_rules, regime of ``held_on``):
    no round before a valuation; the first round at the valuation price; each reduction at most the cap of
    the previous starting price; the offer to the creditor once the twice-reduced auction has failed; no
    price at or below the floor. A sale gives the buyer 30 days to pay (auction_sale_paid)."""
    _lock_asset(auction.seizure.asset)
    today = _today(today)
    auction = _open_auction(auction)
    _require_writable(actor, auction.seizure.asset)
    _seizure_in_force(auction.seizure)
    _check_choice(outcome, RoundOutcome, "outcome")
    _require(outcome != RoundOutcome.WINNER_DID_NOT_PAY,
             _("A buyer's failure to pay is recorded on the sold round (“The buyer defaulted”)."),
             code="invalid_outcome", field="outcome")
    _check_date(held_on, today, "held_on", not_before=auction.contract_signed_on, what=_("the auction contract"))
    previous = auction.rounds.order_by("-number").first()
    if previous is not None and previous.outcome == RoundOutcome.SOLD and previous.paid_on is None:
        raise DomainError(_("The previous round sold the asset: record the buyer's payment or default first."),
                          code="sale_pending")
    state = auction_state(auction)
    try:
        auction_rules.check_round(state, held_on=held_on, starting_price=starting_price)
        if outcome == RoundOutcome.SOLD:
            auction_rules.record_round(state, auction_rules.Round(held_on, starting_price, outcome, sale_price))
    except auction_rules.AuctionRuleError as error:
        raise _refuse(error) from None
    reduction = previous.starting_price - starting_price if previous is not None else 0
    if price_set_by is None:
        price_set_by = PriceSetBy.VALUATION if previous is None or reduction == 0 else PriceSetBy.OFFICER
    _check_choice(price_set_by, PriceSetBy, "price_set_by")
    if outcome == RoundOutcome.SOLD:
        _require(bool(buyer_name.strip()), _("Name the buyer."), code="required", field="buyer_name")
    else:
        _require(sale_price is None, _("A failed round has no sale price."), code="invalid_sale_price",
                 field="sale_price")
    regime = auction_rules.auction_regime_on(held_on)
    auction_round = AuctionRound.objects.create(
        auction=auction, number=(previous.number + 1) if previous else 1, held_on=held_on,
        starting_price=starting_price, reduction=reduction,
        reduction_percent=_percent(reduction, previous.starting_price) if previous else Decimal(0),
        price_set_by=price_set_by, outcome=outcome, sale_price=sale_price if outcome == RoundOutcome.SOLD else None,
        buyer_name=buyer_name.strip(),
        payment_due_on=held_on + timedelta(days=regime.buyer_payment_days) if outcome == RoundOutcome.SOLD else None,
        recorded_by=_recorder(actor))
    audit_record(actor=actor, action=Action.AUCTION_ROUND, obj=auction_round, case=auction.seizure.case,
                 changes=creation(auction_round, ["number", "held_on", "starting_price", "reduction",
                                                  "reduction_percent", "price_set_by", "outcome", "sale_price",
                                                  "buyer_name", "payment_due_on"]))
    _round_changed(auction_round, auction)
    return auction_round


def _round_changed(auction_round: AuctionRound, auction: Auction) -> None:
    """The feed rows of a round held, or of its sale settled later (paid, or the winner defaulted): the round
    as it now stands, on every case the asset answers for."""
    asset_id = auction.seizure.asset_id
    changes_record(ChangeKind.AUCTION_ROUND_RECORDED, asset_case_ids(asset_id), {
        "asset_id": asset_id, "auction_id": auction.pk, "number": auction_round.number,
        "held_on": auction_round.held_on, "starting_price": auction_round.starting_price,
        "outcome": auction_round.outcome, "sale_price": auction_round.sale_price,
        "payment_due_on": auction_round.payment_due_on, "paid_on": auction_round.paid_on})


def _pending_sale(auction_round: AuctionRound) -> AuctionRound:
    auction_round = AuctionRound.objects.select_related("auction__seizure__asset").get(pk=auction_round.pk)
    _require(auction_round.outcome == RoundOutcome.SOLD and auction_round.paid_on is None,
             _("This round has no sale awaiting payment."), code="no_pending_sale")
    _require(not auction_round.auction.closed_as, _("The auction is closed."), code="auction_closed")
    return auction_round


@transaction.atomic
@_deadlines_follow
def auction_sale_paid(*, actor, auction_round: AuctionRound, paid_on: date, source: str | None = None,
                      today: date | None = None) -> Distribution:
    """The buyer paid: the auction closes as sold and the sale price is distributed in the legal order,
    each creditor's share recorded on its case as a collection (distribution_record)."""
    _lock_asset(auction_round.auction.seizure.asset)
    auction_round = _pending_sale(auction_round)
    auction = auction_round.auction
    _require_writable(actor, auction.seizure.asset)
    _check_date(paid_on, _today(today), "paid_on", not_before=auction_round.held_on, what=_("the auction"))
    _require(paid_on <= auction_round.payment_due_on,
             _("The buyer had to pay by %(date)s: record the default instead.") % {
                 "date": auction_round.payment_due_on.strftime("%d/%m/%Y")}, code="payment_too_late", field="paid_on")
    auction_round.paid_on = paid_on
    auction_round.save(update_fields=["paid_on"])
    audit_record(actor=actor, action=Action.AUCTION_SALE_PAID, obj=auction_round, case=auction.seizure.case,
                 changes={"paid_on": (None, paid_on)})
    _round_changed(auction_round, auction)
    _auction_close(actor=actor, auction=auction, how=AuctionClosure.SOLD, on=paid_on)
    return _distribute(actor=actor, asset=auction.seizure.asset, auction=auction, source=DistributionSource.SALE,
                       received_on=paid_on, proceeds=auction_round.sale_price, event_source=source, today=today,
                       note=_("Proceeds of the auction of %(asset)s (round %(number)s)") % {
                           "asset": auction.seizure.asset, "number": auction_round.number})


@transaction.atomic
@_deadlines_follow
def auction_sale_default(*, actor, auction_round: AuctionRound, defaulted_on: date,
                         today: date | None = None) -> AuctionRound:
    """The winner refused to buy or did not pay: the round counts as failed (winner_did_not_pay) and the
    auction goes on from it. The deposit the winner forfeits is not tracked here."""
    _lock_asset(auction_round.auction.seizure.asset)
    auction_round = _pending_sale(auction_round)
    _require_writable(actor, auction_round.auction.seizure.asset)
    _check_date(defaulted_on, _today(today), "defaulted_on", not_before=auction_round.held_on, what=_("the auction"))
    before = field_values(auction_round, ["outcome", "defaulted_on"])
    auction_round.outcome, auction_round.defaulted_on = RoundOutcome.WINNER_DID_NOT_PAY, defaulted_on
    auction_round.save(update_fields=["outcome", "defaulted_on"])
    audit_record(actor=actor, action=Action.AUCTION_SALE_DEFAULT, obj=auction_round,
                 case=auction_round.auction.seizure.case, changes=instance_diff(before, auction_round))
    _round_changed(auction_round, auction_round.auction)
    return auction_round


def creditor_of_auction(auction: Auction) -> Case:
    """Whom the asset is offered to: the case of the bank holding collateral on it, if any; else the case
    the asset was seized in."""
    asset = auction.seizure.asset
    secured_banks = set(asset.collateral.values_list("bank_id", flat=True))
    for link in asset_links(asset):
        if link.case.creditor_bank_id in secured_banks and link.case.status not in ENDED_STATUSES:
            return link.case
    return auction.seizure.case


@transaction.atomic
@_deadlines_follow
def creditor_offer_make(*, actor, auction: Auction, offered_on: date, today: date | None = None) -> CreditorOffer:
    """Offer the asset to the creditor against the debt, at the last round's starting price: due once the
    auction at the twice-reduced price has failed, and not before (Điều 104)."""
    _lock_asset(auction.seizure.asset)
    auction = _open_auction(auction)
    _require_writable(actor, auction.seizure.asset)
    _check_date(offered_on, _today(today), "offered_on")
    state = auction_state(auction)
    try:
        auction_rules.offer_to_creditor(state, offered_on=offered_on,
                                        floor_reached=reductions_exhausted(auction, state, on=offered_on))
    except auction_rules.AuctionRuleError as error:
        raise _refuse(error) from None
    last = auction.rounds.order_by("-number").first()
    offer = CreditorOffer.objects.create(auction=auction, case=creditor_of_auction(auction), offered_on=offered_on,
                                         price=last.starting_price, recorded_by=_recorder(actor))
    audit_record(actor=actor, action=Action.CREDITOR_OFFER, obj=offer, changes=creation(offer, ["offered_on", "price"]))
    # Only the creditor offered the asset is told (the other cases see the offer in their detail).
    regime = auction_rules.auction_regime_on(offered_on)
    changes_record(ChangeKind.OFFER_MADE, [offer.case_id], {
        "asset_id": auction.seizure.asset_id, "auction_id": auction.pk, "offered_on": offered_on,
        "price": offer.price,
        "answer_due_on": working_calendar().add_working_days(offered_on, regime.creditor_answer_working_days)})
    return offer


@transaction.atomic
@_deadlines_follow
def creditor_offer_answer(*, actor, offer: CreditorOffer, accepted: bool, answered_on: date,
                          today: date | None = None) -> CreditorOffer:
    """The creditor's answer. Accepting opens the debtor's redemption window (30 days); the hand-over is
    recorded when it closes (auction_handover). Declining lets the reductions go on down to the floor."""
    _lock_asset(offer.auction.seizure.asset)
    offer = CreditorOffer.objects.select_related("auction__seizure__asset").get(pk=offer.pk)
    auction = _open_auction(offer.auction)
    _require_writable(actor, auction.seizure.asset)
    _require(isinstance(accepted, bool), _("Say whether the creditor accepts."), code="required", field="accepted")
    _check_date(answered_on, _today(today), "answered_on")
    try:
        state = auction_rules.answer_offer(auction_state(auction), accepted=accepted, answered_on=answered_on)
    except auction_rules.AuctionRuleError as error:
        raise _refuse(error) from None
    before = field_values(offer, ["accepted", "answered_on", "redemption_due_on"])
    offer.accepted, offer.answered_on = accepted, answered_on
    offer.redemption_due_on = auction_rules.redemption_deadline(state)
    offer.save(update_fields=["accepted", "answered_on", "redemption_due_on"])
    audit_record(actor=actor, action=Action.CREDITOR_ANSWER, obj=offer, changes=instance_diff(before, offer))
    changes_record(ChangeKind.OFFER_ANSWERED, [offer.case_id], {
        "asset_id": auction.seizure.asset_id, "auction_id": auction.pk, "accepted": accepted,
        "answered_on": answered_on, "redemption_due_on": offer.redemption_due_on})
    return offer


def _accepted_offer(auction: Auction) -> CreditorOffer:
    offer = CreditorOffer.objects.filter(auction=auction, accepted=True).first()
    _require(offer is not None, _("The creditor has not accepted the asset."), code="no_accepted_offer")
    return offer


@transaction.atomic
@_deadlines_follow
def auction_handover(*, actor, auction: Auction, handed_on: date, source: str | None = None,
                     today: date | None = None) -> Distribution:
    """The redemption window has passed without the debtor paying: the asset goes to the creditor at the
    offered price, distributed like a sale (costs first; a creditor taking an asset worth more than its
    share pays the difference in, which goes to the others)."""
    _lock_asset(auction.seizure.asset)
    auction = _open_auction(auction)
    _require_writable(actor, auction.seizure.asset)
    offer = _accepted_offer(auction)
    _check_date(handed_on, _today(today), "handed_on")
    _require(handed_on > offer.redemption_due_on,
             _("The debtor may still pay to keep the asset until %(date)s.") % {
                 "date": offer.redemption_due_on.strftime("%d/%m/%Y")}, code="redemption_window_open",
             field="handed_on")
    _auction_close(actor=actor, auction=auction, how=AuctionClosure.HANDED_TO_CREDITOR, on=handed_on)
    return _distribute(actor=actor, asset=auction.seizure.asset, auction=auction, source=DistributionSource.HANDOVER,
                       received_on=handed_on, proceeds=offer.price, event_source=source, today=today,
                       note=_("%(asset)s handed to the creditor against the debt") % {"asset": auction.seizure.asset})


@transaction.atomic
@_deadlines_follow
def auction_redeem(*, actor, auction: Auction, paid_on: date, amount: int, source: str | None = None,
                   today: date | None = None) -> Auction:
    """The debtor paid within the redemption window to keep the asset: the payment is a collection on the
    creditor's case, the auction closes and the seizure is released."""
    _lock_asset(auction.seizure.asset)
    auction = _open_auction(auction)
    _require_writable(actor, auction.seizure.asset)
    offer = _accepted_offer(auction)
    _check_amount(amount, "amount")
    _check_date(paid_on, _today(today), "paid_on", not_before=offer.answered_on, what=_("the creditor's answer"))
    _require(paid_on <= offer.redemption_due_on, _("The redemption window ended on %(date)s.") % {
        "date": offer.redemption_due_on.strftime("%d/%m/%Y")}, code="redemption_window_closed", field="paid_on")
    case_events_record(actor=actor, case=offer.case, source=source, today=today, events=[EventData(
        kind=EventKind.THU_TIEN, date=paid_on, amount=amount,
        note=_("Paid by the debtor to keep %(asset)s") % {"asset": auction.seizure.asset})])
    _auction_close(actor=actor, auction=auction, how=AuctionClosure.REDEEMED, on=paid_on)
    seizure_release(actor=actor, seizure=auction.seizure, released_on=paid_on, today=today,
                    reason=_("The debtor paid to keep the asset"))
    return auction


def reductions_exhausted(auction: Auction, state=None, *, on: date | None = None) -> bool:
    """Whether no further reduction is possible on ``on`` (default: the last round's date): even the largest
    cut the regime in force that day allows from the last failed round would reach the floor."""
    state = state or auction_state(auction)
    if not state.rounds or state.rounds[-1].outcome not in auction_rules.Outcome.FAILED:
        return False
    last = state.rounds[-1]
    regime = auction_rules.auction_regime_on(on or last.held_on)
    return last.starting_price - auction_rules.max_reduction(last.starting_price, regime) <= state.floor


@transaction.atomic
@_deadlines_follow
def auction_return_to_debtor(*, actor, auction: Auction, returned_on: date, source: str | None = None,
                             today: date | None = None) -> Auction:
    """Reductions have reached the floor and the creditor did not take the asset: it returns to the debtor,
    the seizure is released and every open case the asset answers for is postponed on ground h (Điều 48)."""
    _lock_asset(auction.seizure.asset)
    auction = _open_auction(auction)
    _require_writable(actor, auction.seizure.asset)
    today = _today(today)
    _check_date(returned_on, today, "returned_on")
    state = auction_state(auction)
    _require(reductions_exhausted(auction, state, on=returned_on),
             _("The price can still be reduced above the floor: the asset is not returned yet."),
             code="reductions_not_exhausted")
    offer = CreditorOffer.objects.filter(auction=auction).first()
    _require(offer is not None and offer.accepted is False,
             _("Offer the asset to the creditor first; it returns to the debtor only if the creditor declines."),
             code="creditor_offer_required")
    _require(returned_on >= state.rounds[-1].held_on and returned_on >= offer.answered_on,
             _("The return cannot precede the last round or the creditor's answer."), code="date_order",
             field="returned_on")
    _auction_close(actor=actor, auction=auction, how=AuctionClosure.RETURNED_TO_DEBTOR, on=returned_on)
    seizure_release(actor=actor, seizure=auction.seizure, released_on=returned_on, today=today,
                    reason=_("Returned to the debtor: not sold and the creditor declined it"))
    for link in asset_links(auction.seizure.asset):
        if link.case.status == Status.WITH_CONDITIONS:
            case_events_record(actor=actor, case=link.case, source=source, today=today, events=[EventData(
                kind=EventKind.HOAN, ground="h", date=returned_on,
                note=_("The seized asset could not be sold and the creditor did not accept it"))])
    return auction


# ---- enforcement costs and the distribution of proceeds -----------------------------------------------------

@transaction.atomic
def enforcement_cost_record(*, actor, case: Case, kind: str, amount: int, incurred_on: date,
                            asset: Asset | None = None, note: str = "", today: date | None = None) -> EnforcementCost:
    """Add an enforcement cost to a case's ledger, optionally charged to one of its assets; the costs are
    paid first from the proceeds of the asset (or of any asset of the case, if charged to none)."""
    if not case_is_writable_by(actor, case):
        raise PermissionDeniedError(_("You are not allowed to write to case %(case)s.") % {"case": case.case_no})
    _check_choice(kind, CostKind, "kind")
    _check_amount(amount, "amount")
    _check_date(incurred_on, _today(today), "incurred_on", not_before=case.accepted_on,
                what=_("the acceptance of the case"))
    if asset is not None:
        _require(AssetCase.objects.filter(asset=asset, case=case).exists(),
                 _("The asset does not answer for case %(case)s.") % {"case": case.case_no}, code="not_linked",
                 field="asset")
    cost = EnforcementCost.objects.create(case=case, asset=asset, kind=kind, amount=amount, incurred_on=incurred_on,
                                          note=note.strip(), recorded_by=_recorder(actor))
    audit_record(actor=actor, action=Action.COST_RECORD, obj=cost, changes=creation(cost, [
        "asset", "kind", "amount", "incurred_on", "note"]))
    return cost


@dataclass(frozen=True)
class ClaimSet:
    """The claims on an asset's proceeds, keyed by case id (as text), ready for auction_rules.distribute."""

    claims: list
    court_fee: int
    court_fee_key: str
    ranks: dict[str, int]
    secured_keys: frozenset


def asset_claims(asset: Asset, links=None) -> ClaimSet:
    """What the cases an asset answers for are owed, as auction_rules claims: a bank with collateral on the
    asset is secured up to the secured amount (the rest of its debt ranks with its case); the court fee of
    the secured judgment (a state-budget case of the same judgment) is paid just before it; the late-payment
    interest of each case after every principal of its rank."""
    links = links if links is not None else asset_links(asset)
    secured_left: dict[int, int] = {}
    for bank_id, amount in Collateral.objects.filter(asset=asset).values_list("bank_id", "secured_amount"):
        secured_left[bank_id] = secured_left.get(bank_id, 0) + amount
    # The court fee goes ahead of the bank only while the bank still has a secured claim to be paid.
    secured_judgments = {link.case.judgment_no for link in links
                         if link.case.creditor_bank_id in secured_left and link.case.judgment_no
                         and link.case.amount_remaining > 0}
    claims, ranks, secured_keys = [], {}, set()
    court_fee, court_fee_key = 0, ""
    for link in links:
        case, key = link.case, str(link.case_id)
        remaining = case.amount_remaining
        ranks[key] = link.rank
        if remaining <= 0:
            continue
        if (not court_fee_key and case.category == Category.NGAN_SACH and link.rank == ClaimRank.COURT_FEES
                and case.judgment_no in secured_judgments):
            court_fee, court_fee_key = remaining, key
            continue
        interest = min(link.interest_due, remaining)
        principal = remaining - interest
        if case.creditor_bank_id in secured_left and secured_left[case.creditor_bank_id] > 0:
            cover = min(secured_left[case.creditor_bank_id], remaining)
            secured_left[case.creditor_bank_id] -= cover
            secured_principal = min(principal, cover)
            secured_interest = min(interest, cover - secured_principal)
            claims.append(auction_rules.Claim(key, link.rank, secured_principal, secured_interest,
                                              secured_by_this_asset=True))
            secured_keys.add(key)
            principal, interest = principal - secured_principal, interest - secured_interest
        if principal or interest:
            claims.append(auction_rules.Claim(key, link.rank, principal, interest))
    return ClaimSet(claims, court_fee, court_fee_key or "court_fee", ranks, frozenset(secured_keys))


def _distribute(*, actor, asset: Asset, auction: Auction | None, source: str, received_on: date, proceeds: int,
                event_source: str, today: date | None, note: str) -> Distribution:
    """Pay ``proceeds`` out in the legal order (Điều 47): outstanding enforcement costs first (oldest
    first), then the creditors of the cases the asset answers for, each share a thu_tien event on its case;
    the surplus goes back to the debtor. Every case receiving money must be writable by ``actor``."""
    _check_amount(proceeds, "proceeds")
    links = asset_links(asset)
    claim_set = asset_claims(asset, links)
    costs = list(asset_costs(asset).select_for_update())
    outstanding = sum(cost.amount - cost.recovered for cost in costs)
    allocation = auction_rules.distribute(proceeds, costs=outstanding, claims=claim_set.claims,
                                          court_fee_of_secured_judgment=claim_set.court_fee,
                                          court_fee_creditor=claim_set.court_fee_key)
    cases = {str(link.case_id): link.case for link in links}
    refused = [cases[key].case_no for key, amount in allocation.paid.items()
               if amount and not case_is_writable_by(actor, cases[key])]
    if refused:
        raise PermissionDeniedError(_("The money goes to cases you may not write to: %(cases)s.") % {
            "cases": ", ".join(refused)})
    distribution = Distribution.objects.create(
        asset=asset, auction=auction, source=source, received_on=received_on, proceeds=proceeds,
        costs_paid=allocation.costs, surplus_to_debtor=allocation.surplus_to_debtor, recorded_by=_recorder(actor))
    audit_record(actor=actor, action=Action.DISTRIBUTION, obj=distribution,
                 case=auction.seizure.case if auction is not None else None, unit=asset.unit,
                 changes=creation(distribution, ["source", "received_on", "proceeds", "costs_paid",
                                                 "surplus_to_debtor"]),
                 note="; ".join(f"{cases[key].case_no}: {format_vnd(amount)}" for key, amount in allocation.paid.items()
                                if amount))
    to_recover = allocation.costs
    for cost in costs:
        part = min(cost.amount - cost.recovered, to_recover)
        if part > 0:
            cost.recovered += part
            cost.save(update_fields=["recovered"])
            to_recover -= part
    for key, amount in sorted(allocation.paid.items(), key=lambda item: (claim_set.ranks[item[0]], int(item[0]))):
        if not amount:
            continue
        case = cases[key]
        (event,) = case_events_record(actor=actor, case=case, source=event_source, today=today, events=[EventData(
            kind=EventKind.THU_TIEN, date=received_on, amount=amount, note=note)])
        share = DistributionShare.objects.create(
            distribution=distribution, case=case, recipient=_creditor_name(case), rank=claim_set.ranks[key],
            secured=key in claim_set.secured_keys or key == claim_set.court_fee_key and claim_set.court_fee > 0,
            principal=allocation.principal.get(key, 0), interest=allocation.interest.get(key, 0), amount=amount,
            event=event)
        changes_record(ChangeKind.DISTRIBUTION_SHARE_RECORDED, [case.pk], {
            "asset_id": asset.pk, "distribution_id": distribution.pk, "received_on": received_on, "source": source,
            "rank": share.rank, "secured": share.secured, "principal": share.principal, "interest": share.interest,
            "amount": amount, "event_sequence": event.sequence}, event=event)
    return distribution


def _creditor_name(case: Case) -> str:
    if case.creditor_bank_id:
        return case.creditor_bank.name
    creditor = case.parties.filter(role="creditor").order_by("id").first()
    return creditor.name if creditor else case.case_no


@transaction.atomic
@_deadlines_follow
def asset_collection_distribute(*, actor, asset: Asset, received_on: date, amount: int,
                                source: str | None = None, today: date | None = None) -> Distribution:
    """Money collected from an asset without an auction (a seized bank account, rent, shares sold on the
    market), paid out in the legal order like sale proceeds."""
    asset = _lock_asset(asset)
    _require_writable(actor, asset)
    _check_amount(amount, "amount")
    _check_date(received_on, _today(today), "received_on")
    return _distribute(actor=actor, asset=asset, auction=None, source=DistributionSource.COLLECTION,
                       received_on=received_on, proceeds=amount, event_source=source, today=today,
                       note=_("Collected from %(asset)s") % {"asset": asset})


# ---- the reduction planner ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanRow:
    round: auction_rules.PlannedRound
    creditor_recovers: int      # what the creditor offered the asset (the bank) gets if this round sells
    debt_covered: bool          # the price pays the costs and every claim on the asset


@dataclass(frozen=True)
class ReductionPlan:
    floor: int
    costs: int
    debt: int                   # what the creditor is owed from this asset
    creditor: Case | None
    offer_due_now: bool
    rows: list[PlanRow]


def auction_plan(auction: Auction, *, start: date | None = None, interval_days: int = 45) -> ReductionPlan:
    """The schedule of future rounds if each fails and each reduction is the largest the cap allows: the
    price of every round, when the creditor offer falls due, the round at which the price falls below the
    debt, the floor that ends the schedule, and what the creditor would recover at each step (computed by
    the same distribution as a real sale, so costs, the secured creditor and the ranks are all counted)."""
    asset = auction.seizure.asset
    links = asset_links(asset)
    costs = asset_costs_outstanding(asset)
    state = auction_state(auction)
    creditor = creditor_of_auction(auction)
    claim_set = asset_claims(asset, links)
    total_claims = sum(c.principal + c.interest for c in claim_set.claims) + claim_set.court_fee
    debt = sum(c.principal + c.interest for c in claim_set.claims if c.creditor == str(creditor.pk))
    last = state.rounds[-1].held_on if state.rounds else auction.contract_signed_on
    start = start or (last + timedelta(days=interval_days))
    rows = []
    for planned in auction_rules.plan_rounds(state, debt=debt, costs=costs, start=start,
                                             interval_days=interval_days):
        allocation = auction_rules.distribute(planned.starting_price, costs=costs, claims=claim_set.claims,
                                              court_fee_of_secured_judgment=claim_set.court_fee,
                                              court_fee_creditor=claim_set.court_fee_key)
        rows.append(PlanRow(round=planned, creditor_recovers=allocation.paid.get(str(creditor.pk), 0),
                            debt_covered=planned.starting_price >= costs + total_claims))
    return ReductionPlan(floor=state.floor, costs=costs, debt=debt, creditor=creditor,
                         offer_due_now=state.offer_due(), rows=rows)
