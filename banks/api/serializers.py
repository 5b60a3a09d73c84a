"""Output serializers of the bank API (read-only). Unique names: they appear in the OpenAPI schema."""
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from banks.filters import API_STATUS_CHOICES, API_STATUS_OF
from banks.models import ApiScope, BankNotice, Collateral
from cases.codes import (
    AssetKind,
    AuctionClosure,
    Category,
    ClaimRank,
    DistributionSource,
    EventKind,
    LandType,
    Origin,
    OwnerKind,
    PartyKind,
    RoundOutcome,
    SeizureStatus,
    ValuationMethod,
)
from cases.models import CaseChange
from dialogues.models import CommitmentKind, CommitmentParty, CommitmentStatus

STATUS_FIELD = serializers.ChoiceField(choices=API_STATUS_CHOICES)


class BankCaseSerializer(serializers.Serializer):
    case_no = serializers.CharField()
    decision_no = serializers.CharField()
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    accepted_on = serializers.DateField()
    origin = serializers.ChoiceField(choices=Origin.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    status = serializers.SerializerMethodField()
    amount_due = serializers.IntegerField()
    amount_collected = serializers.IntegerField()
    amount_reduced = serializers.IntegerField()
    amount_terminated = serializers.IntegerField()
    amount_remaining = serializers.IntegerField(
        help_text="amount_due − amount_collected − amount_reduced − amount_terminated")
    updated_at = serializers.DateTimeField()

    @extend_schema_field(STATUS_FIELD)
    def get_status(self, case) -> str:
        return API_STATUS_OF[case.status]


def moment(value, zone) -> str:
    """A date-time as DRF's DateTimeField renders it (ISO 8601 in the current time zone ``zone``, UTC written Z),
    without its per-value overhead."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def bank_case_data(row: dict, zone) -> dict:
    """``BankCaseSerializer(case).data`` for a row of banks.selectors.CASE_COLUMNS (the case list's rows): the same
    keys in the same order, the same values, without DRF's per-field work — at 50 rows a page that was most of
    the list's time over a bare view (benchmarks/api_bench.py). ``zone``: timezone.get_current_timezone().
    tests/banks/test_api_cases.py compares the two."""
    return {"case_no": row["case_no"], "decision_no": row["decision_no"], "unit": row["unit__code"],
            "unit_name": row["unit__name"], "accepted_on": row["accepted_on"].isoformat(), "origin": row["origin"],
            "category": row["category"], "status": API_STATUS_OF[row["status"]], "amount_due": row["amount_due"],
            "amount_collected": row["amount_collected"], "amount_reduced": row["amount_reduced"],
            "amount_terminated": row["amount_terminated"], "amount_remaining": row["amount_remaining"],
            "updated_at": moment(row["updated_at"], zone)}


class BankCaseEventSerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    date = serializers.DateField()
    code = serializers.ChoiceField(source="kind", choices=EventKind.choices)
    label = serializers.SerializerMethodField()
    amount = serializers.IntegerField(allow_null=True)
    ground = serializers.CharField(allow_blank=True)
    cancels = serializers.SerializerMethodField()
    cancelled_by = serializers.SerializerMethodField()

    def get_label(self, event) -> str:
        return str(EventKind(event.kind).label)

    def get_cancels(self, event) -> int | None:
        """For a correction (code dinh_chinh): the sequence of the mistaken event it cancels; else null."""
        return event.cancels.sequence if event.cancels_id is not None else None

    def get_cancelled_by(self, event) -> int | None:
        """The sequence of the correction that cancelled this event (it no longer counts), or null."""
        correction = _related_or_none(event, "cancelled_by")
        return correction.sequence if correction is not None else None


class BankDebtorSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=PartyKind.choices)


class BankDeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.CharField()


class BankPayoutSerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    amount = serializers.IntegerField()
    recipient = serializers.CharField()


class OptionalChoiceField(serializers.ChoiceField):
    """A choice the model stores as "" when it does not apply (a land type of a car, the closure of an open
    auction): null in the API, so the field is either one of its values or null."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)

def _related_or_none(instance, name: str):
    """A reverse one-to-one (select_related by banks.selectors), or None when there is no such row."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:  # RelatedObjectDoesNotExist
        return None


# ---- assets (banks.selectors.bank_case_get prefetches all of it) --------------------------------------------

class BankCollateralSerializer(serializers.Serializer):
    loan_contract_no = serializers.CharField()
    kind = serializers.ChoiceField(choices=Collateral.Kind.choices)
    secured_amount = serializers.IntegerField(help_text="The most the bank is paid first from this asset (VND).")
    registered_on = serializers.DateField(allow_null=True)


class BankValuationSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ValuationMethod.choices)
    value = serializers.IntegerField()
    valued_on = serializers.DateField()
    is_revaluation = serializers.SerializerMethodField()

    def get_is_revaluation(self, valuation) -> bool:
        """A re-valuation on a party's request; its value replaces the one it re-values."""
        return valuation.revaluation_of_id is not None


class BankAuctionRoundSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    held_on = serializers.DateField()
    starting_price = serializers.IntegerField()
    reduction = serializers.IntegerField(help_text="Reduction from the previous round's starting price (VND).")
    reduction_percent = serializers.DecimalField(max_digits=6, decimal_places=2,
                                                 help_text="Of the previous round's starting price.")
    outcome = serializers.ChoiceField(choices=RoundOutcome.choices)
    sale_price = serializers.IntegerField(allow_null=True)
    payment_due_on = serializers.DateField(allow_null=True)
    paid_on = serializers.DateField(allow_null=True)


class BankCreditorOfferSerializer(serializers.Serializer):
    offered_on = serializers.DateField()
    price = serializers.IntegerField()
    accepted = serializers.BooleanField(allow_null=True, help_text="null until the creditor answers.")
    answered_on = serializers.DateField(allow_null=True)
    redemption_due_on = serializers.DateField(allow_null=True,
                                              help_text="If accepted: the debtor may pay to keep the asset until then.")
    made_to_this_case = serializers.SerializerMethodField()

    def get_made_to_this_case(self, offer) -> bool:
        """Whether the asset was offered to this case's creditor (the bank holding collateral on it), or to
        the creditor of another case the asset answers for."""
        return offer.case_id == self.context.get("case_id")


class BankAuctionSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    contract_signed_on = serializers.DateField()
    closed_as = OptionalChoiceField(choices=AuctionClosure.choices, help_text="null while the auction is open.")
    closed_on = serializers.DateField(allow_null=True)
    rounds = BankAuctionRoundSerializer(many=True)
    creditor_offer = serializers.SerializerMethodField()

    @extend_schema_field(BankCreditorOfferSerializer(allow_null=True))
    def get_creditor_offer(self, auction):
        offer = _related_or_none(auction, "creditor_offer")
        return None if offer is None else BankCreditorOfferSerializer(offer, context=self.context).data


class BankSeizureSerializer(serializers.Serializer):
    seized_on = serializers.DateField()
    minutes_no = serializers.CharField()
    status = serializers.ChoiceField(choices=SeizureStatus.choices)  # SeizureStatusEnum (settings)
    released_on = serializers.DateField(allow_null=True)
    release_reason = serializers.CharField(allow_blank=True)
    valuations = BankValuationSerializer(many=True)
    auction = serializers.SerializerMethodField()

    @extend_schema_field(BankAuctionSerializer(allow_null=True))
    def get_auction(self, seizure):
        auction = _related_or_none(seizure, "auction")
        return None if auction is None else BankAuctionSerializer(auction, context=self.context).data


class BankAssetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AssetKind.choices)
    description = serializers.CharField()
    parcel_no = serializers.CharField(allow_blank=True)
    map_sheet_no = serializers.CharField(allow_blank=True)
    area_m2 = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    land_type = OptionalChoiceField(choices=LandType.choices)
    certificate_no = serializers.CharField(allow_blank=True)
    plate_no = serializers.CharField(allow_blank=True)
    owner_kind = serializers.ChoiceField(choices=OwnerKind.choices)
    location = serializers.CharField(allow_blank=True)
    collateral = BankCollateralSerializer(source="bank_collateral", many=True,
                                          help_text="The calling bank's own mortgages or pledges over the asset.")
    seizures = BankSeizureSerializer(many=True)


class BankDistributionShareSerializer(serializers.Serializer):
    received_on = serializers.DateField(source="distribution.received_on")
    source = serializers.ChoiceField(source="distribution.source", choices=DistributionSource.choices)
    rank = serializers.ChoiceField(choices=ClaimRank.choices)
    secured = serializers.BooleanField()
    principal = serializers.IntegerField()
    interest = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="principal + interest, collected on this case.")


class BankCaseDetailSerializer(BankCaseSerializer):
    events = BankCaseEventSerializer(many=True)
    debtors = BankDebtorSerializer(many=True)
    next_deadline = BankDeadlineSerializer(allow_null=True)
    payouts = BankPayoutSerializer(many=True)
    assets = BankAssetSerializer(many=True, help_text="The assets this case's debt is enforced against.")
    distribution_shares = BankDistributionShareSerializer(
        many=True, help_text="This case's shares of the money from its assets (sale, hand-over, collection).")


class BankChangeEventSerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    date = serializers.DateField()
    code = serializers.ChoiceField(source="kind", choices=EventKind.choices)
    amount = serializers.IntegerField(allow_null=True)
    ground = serializers.CharField(allow_blank=True)
    cancels = serializers.SerializerMethodField()

    def get_cancels(self, event) -> int | None:
        """For a correction (code dinh_chinh): the sequence of the mistaken event it cancels; else null."""
        return event.cancels.sequence if event.cancels_id is not None else None


# ---- the change feed ----------------------------------------------------------------------------------------
# One entry per change a bank must know of (cases.changes writes them). Every entry has the same fields; its
# ``payload`` is an object whose fields depend on ``kind``. BankChangeSerializer is the one representation of an
# entry (the feed and the webhooks send it); the schema describes it as one of BankChangeEntries[kind], told apart
# by ``kind`` (banks.api.schema).

CHANGE_KINDS = [(kind.value, kind.label) for kind in CaseChange.Kind]


class ApiStatusField(serializers.ChoiceField):
    """A case status as the API names it (StatusEnum), from the status code stored."""

    def __init__(self, **kwargs):
        super().__init__(choices=API_STATUS_CHOICES, **kwargs)

    def to_representation(self, value):
        return API_STATUS_OF[value]


class BankChangeCaseCreatedPayloadSerializer(serializers.Serializer):
    decision_no = serializers.CharField(help_text="Number of the decision to enforce.")
    accepted_on = serializers.DateField(help_text="Date the enforcement office accepted the case (thụ lý).")
    amount_due = serializers.IntegerField(help_text="Amount to be enforced (VND).")


class BankChangeStatusPayloadSerializer(serializers.Serializer):
    previous_status = ApiStatusField(help_text="The case's status before the event.")
    status = ApiStatusField(help_text="The case's status after the event.")
    date = serializers.DateField(help_text="Legal date of the event that changed the status.")
    event_sequence = serializers.IntegerField(help_text="Sequence of that event in the case's timeline.")


class BankChangeSeizurePayloadSerializer(serializers.Serializer):
    asset_id = serializers.IntegerField(help_text="The asset (id in the case detail's assets).")
    asset_kind = serializers.ChoiceField(choices=AssetKind.choices, help_text="Kind of asset.")
    seizure_id = serializers.IntegerField(help_text="Stable id of the seizure.")
    seized_on = serializers.DateField(help_text="Date of the seizure.")
    minutes_no = serializers.CharField(help_text="Number of the seizure minutes.")
    seized_in_this_case = serializers.BooleanField(
        help_text="Whether the asset was seized in this case, or in another case it also answers for.")


class BankChangeReleasePayloadSerializer(serializers.Serializer):
    asset_id = serializers.IntegerField(help_text="The asset (id in the case detail's assets).")
    seizure_id = serializers.IntegerField(help_text="Stable id of the seizure.")
    seized_on = serializers.DateField(help_text="Date of the seizure.")
    released_on = serializers.DateField(help_text="Date the seizure was released.")
    release_reason = serializers.CharField(help_text="Why the seizure was released.")


class BankChangeValuationPayloadSerializer(serializers.Serializer):
    asset_id = serializers.IntegerField(help_text="The asset (id in the case detail's assets).")
    seizure_id = serializers.IntegerField(help_text="Stable id of the seizure.")
    method = serializers.ChoiceField(choices=ValuationMethod.choices, help_text="How the value was set.")
    value = serializers.IntegerField(help_text="The value (VND): the auction's starting price.")
    valued_on = serializers.DateField(help_text="Date of the valuation.")
    is_revaluation = serializers.BooleanField(
        help_text="A re-valuation on a party's request; its value replaces the earlier one.")


class BankChangeAuctionRoundPayloadSerializer(serializers.Serializer):
    asset_id = serializers.IntegerField(help_text="The asset (id in the case detail's assets).")
    auction_id = serializers.IntegerField(help_text="Stable id of the auction.")
    number = serializers.IntegerField(help_text="Round number, from 1.")
    held_on = serializers.DateField(help_text="Date the round was held.")
    starting_price = serializers.IntegerField(help_text="Starting price of the round (VND).")
    outcome = serializers.ChoiceField(choices=RoundOutcome.choices, help_text="How the round ended.")
    sale_price = serializers.IntegerField(allow_null=True, help_text="Price the asset sold at (VND); null if not "
                                                                     "sold.")
    payment_due_on = serializers.DateField(allow_null=True, help_text="Date the buyer must pay by; null if not sold.")
    paid_on = serializers.DateField(allow_null=True, help_text="Date the buyer paid; null until then.")


class BankChangeOfferPayloadSerializer(serializers.Serializer):
    asset_id = serializers.IntegerField(help_text="The asset (id in the case detail's assets).")
    auction_id = serializers.IntegerField(help_text="Stable id of the auction.")
    offered_on = serializers.DateField(help_text="Date the offer was made.")
    price = serializers.IntegerField(help_text="Price the asset is offered at against the debt (VND).")
    answer_due_on = serializers.DateField(
        help_text="The last day to answer: 5 working days after the offer (Điều 104).")


class BankChangeOfferAnswerPayloadSerializer(serializers.Serializer):
    asset_id = serializers.IntegerField(help_text="The asset (id in the case detail's assets).")
    auction_id = serializers.IntegerField(help_text="Stable id of the auction.")
    accepted = serializers.BooleanField(help_text="Whether the creditor takes the asset.")
    answered_on = serializers.DateField(help_text="Date of the answer.")
    redemption_due_on = serializers.DateField(
        allow_null=True, help_text="If accepted: the debtor may pay to keep the asset until then; else null.")


class BankChangePayoutPayloadSerializer(serializers.Serializer):
    payout_id = serializers.IntegerField(help_text="Stable id of the payout.")
    paid_on = serializers.DateField(help_text="Date paid.")
    amount = serializers.IntegerField(help_text="Amount paid out (VND).")
    recipient = serializers.CharField(help_text="Who was paid.")


class BankChangeDistributionSharePayloadSerializer(serializers.Serializer):
    asset_id = serializers.IntegerField(help_text="The asset whose proceeds were distributed.")
    distribution_id = serializers.IntegerField(help_text="Stable id of the distribution.")
    received_on = serializers.DateField(help_text="Date the money was received.")
    source = serializers.ChoiceField(choices=DistributionSource.choices, help_text="Where the money came from.")
    rank = serializers.ChoiceField(choices=ClaimRank.choices, help_text="Priority rank of the claim.")
    secured = serializers.BooleanField(help_text="Whether paid as a secured creditor.")
    principal = serializers.IntegerField(help_text="Principal part (VND).")
    interest = serializers.IntegerField(help_text="Interest part (VND).")
    amount = serializers.IntegerField(help_text="principal + interest, collected on this case (VND).")
    event_sequence = serializers.IntegerField(help_text="Sequence of the collection event it was recorded as.")


class BankChangeCommitmentPayloadSerializer(serializers.Serializer):
    commitment_id = serializers.IntegerField(help_text="Stable id of the commitment (see /commitments/).")
    session = serializers.IntegerField(help_text="Id of the dialogue session it was made at (see /dialogues/).")
    party = serializers.ChoiceField(choices=CommitmentParty.choices, help_text="Who commits.")
    owner_bank = serializers.CharField(allow_null=True, help_text="Code of the bank that owes it; null if another "
                                                                  "party does.")
    kind = serializers.ChoiceField(choices=CommitmentKind.choices, help_text="Kind of commitment.")
    price = serializers.IntegerField(allow_null=True, help_text="Price the bank takes the asset at (VND), or null.")
    due_on = serializers.DateField(help_text="Due date (a working day).")
    status = serializers.ChoiceField(choices=CommitmentStatus.choices, help_text="Status of the commitment.")
    done_on = serializers.DateField(allow_null=True, help_text="When it was done; null unless done.")
    missed_on = serializers.DateField(allow_null=True, help_text="When it was recorded as missed; null otherwise.")


# kind → (the payload's serializer, where it reads from: "case", "event" or "payload" (the stored JSON))
Kind = CaseChange.Kind
CHANGE_PAYLOADS: dict[str, tuple[type[serializers.Serializer], str]] = {
    Kind.CASE_CREATED: (BankChangeCaseCreatedPayloadSerializer, "case"),
    Kind.EVENT_RECORDED: (BankChangeEventSerializer, "event"),
    Kind.STATUS_CHANGED: (BankChangeStatusPayloadSerializer, "payload"),
    Kind.SEIZURE_RECORDED: (BankChangeSeizurePayloadSerializer, "payload"),
    Kind.SEIZURE_RELEASED: (BankChangeReleasePayloadSerializer, "payload"),
    Kind.VALUATION_RECORDED: (BankChangeValuationPayloadSerializer, "payload"),
    Kind.AUCTION_ROUND_RECORDED: (BankChangeAuctionRoundPayloadSerializer, "payload"),
    Kind.OFFER_MADE: (BankChangeOfferPayloadSerializer, "payload"),
    Kind.OFFER_ANSWERED: (BankChangeOfferAnswerPayloadSerializer, "payload"),
    Kind.PAYOUT_RECORDED: (BankChangePayoutPayloadSerializer, "payload"),
    Kind.DISTRIBUTION_SHARE_RECORDED: (BankChangeDistributionSharePayloadSerializer, "payload"),
    Kind.COMMITMENT_CREATED: (BankChangeCommitmentPayloadSerializer, "payload"),
    Kind.COMMITMENT_UPDATED: (BankChangeCommitmentPayloadSerializer, "payload"),
    Kind.COMMITMENT_DONE: (BankChangeCommitmentPayloadSerializer, "payload"),
}
del Kind


class BankChangeSerializer(serializers.Serializer):
    """One change to one of the bank's cases. ``kind`` says what happened; ``payload`` holds its facts, with
    fields that depend on ``kind`` (docs/api.md shows each)."""

    id = serializers.IntegerField(source="pk", help_text="Stable id of this entry (deduplicate on it).")
    cursor = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=CHANGE_KINDS, help_text="What happened.")
    case_no = serializers.CharField(source="case.case_no")
    status = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()
    event = BankChangeEventSerializer(allow_null=True)
    payload = serializers.SerializerMethodField()

    def get_cursor(self, change) -> str:
        return str(change.position)  # the feed position (cases.services.changes), not the row's id

    @extend_schema_field(STATUS_FIELD)
    def get_status(self, change) -> str:
        """The case's status after this change."""
        if change.case_status:
            return API_STATUS_OF[change.case_status]
        return API_STATUS_OF[change.event.status_after if change.event_id else "with_conditions"]

    def get_payload(self, change) -> dict:
        serializer, source = CHANGE_PAYLOADS[change.kind]
        if source == "event":
            return change_event_data(change.event)
        if source == "case":
            case = change.case
            return {"decision_no": case.decision_no, "accepted_on": case.accepted_on.isoformat(),
                    "amount_due": case.amount_due}
        # one bound serializer per kind for the whole page, as a ListSerializer reuses its child: building one
        # per entry (DRF deep-copies its fields) was 40 % of a feed page's serialisation (benchmarks/api_bench.py)
        payloads = self.__dict__.setdefault("_payload_serializers", {})
        if change.kind not in payloads:
            payloads[change.kind] = serializer()
        return payloads[change.kind].to_representation(change.payload)

    def to_representation(self, change) -> dict:
        """The fields above written out (DRF's generic loop over them, with the event's nested serializer, was
        most of a feed page's time over a bare view: benchmarks/api_bench.py); the same keys in the same order and
        the same values — tests/banks/test_api_change_kinds.py compares this with the generic loop for every
        kind. The stored payloads still go through their serializers (CHANGE_PAYLOADS)."""
        event = change.event if change.event_id is not None else None
        return {"id": change.pk, "cursor": self.get_cursor(change), "kind": change.kind,
                "case_no": change.case.case_no, "status": self.get_status(change),
                "recorded_at": moment(change.recorded_at, timezone.get_current_timezone()),
                "event": None if event is None else change_event_data(event), "payload": self.get_payload(change)}


def change_event_data(event) -> dict:
    """``BankChangeEventSerializer(event).data``, written out (an entry of the feed has one, its payload often
    another)."""
    return {"sequence": event.sequence, "date": event.date.isoformat(), "code": event.kind, "amount": event.amount,
            "ground": event.ground, "cancels": event.cancels.sequence if event.cancels_id is not None else None}


# What each kind of entry means, for the schema (in English whatever the server's language)
CHANGE_DESCRIPTIONS = {
    "case_created": "A case was accepted (thụ lý).",
    "event_recorded": "An event was recorded in the case's timeline (a correction included); the payload is the "
                      "event.",
    "status_changed": "An event moved the case to another status; it follows that event's event_recorded entry.",
    "seizure_recorded": "An asset the case is enforced against was seized (in this case or another it answers "
                        "for); on every case the asset answers for.",
    "seizure_released": "A seizure of such an asset was released; on every case the asset answers for.",
    "valuation_recorded": "A seized asset was valued or re-valued; on every case the asset answers for.",
    "auction_round_recorded": "An auction round was held (failed or sold), or its sale was settled later (paid, "
                              "or the winner defaulted); on every case the asset answers for.",
    "offer_made": "The asset was offered to this case's creditor against the debt; answer by answer_due_on. Only "
                  "the bank offered the asset gets it.",
    "offer_answered": "This case's creditor answered the offer. Only the bank offered the asset gets it.",
    "payout_recorded": "Money collected was paid out to the creditor.",
    "distribution_share_recorded": "This case's share of the money from an asset (a sale, a hand-over, a "
                                   "collection), recorded on the case as a collection event.",
    "commitment_created": "A dialogue commitment on this case was recorded.",
    "commitment_updated": "A dialogue commitment on this case changed otherwise than done (today: recorded as "
                          "missed).",
    "commitment_done": "A dialogue commitment on this case was done.",
}


def _entry_serializer(kind: str) -> type[serializers.Serializer]:
    """The schema of an entry of one kind: BankChangeSerializer's fields, with the payload of that kind (for the
    schema only: BankChangeSerializer writes every entry)."""
    payload, _source = CHANGE_PAYLOADS[kind]
    name = "BankChange" + "".join(part.title() for part in kind.split("_"))
    return type(f"{name}Serializer", (serializers.Serializer,), {
        "__doc__": f"An entry of kind {kind}: {CHANGE_DESCRIPTIONS[kind]}", "__module__": __name__,
        "id": serializers.IntegerField(help_text="Stable id of this entry (deduplicate on it)."),
        "cursor": serializers.CharField(help_text="This change's position in the feed (pass the last one as "
                                                  "?after=)."),
        "kind": serializers.CharField(help_text=f"Always {kind}."),
        "case_no": serializers.CharField(help_text="The case number (số hồ sơ); may contain \"/\"."),
        "status": serializers.ChoiceField(choices=API_STATUS_CHOICES, help_text="The case's status after this "
                                                                                "change."),
        "recorded_at": serializers.DateTimeField(help_text="When the change was recorded."),
        "event": BankChangeEventSerializer(allow_null=True, help_text="The event recorded (event_recorded, "
                                           "status_changed, distribution_share_recorded), or null."),
        "payload": payload(help_text=f"The facts of the change ({kind})."),
    })


CHANGE_ENTRIES = {kind: _entry_serializer(kind) for kind, _label in CHANGE_KINDS}


class BankChangeFeedSerializer(serializers.Serializer):
    results = BankChangeSerializer(many=True)
    next_after = serializers.CharField(help_text="Pass as ?after= to continue.")
    has_more = serializers.BooleanField()


class ApiErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: e.g. invalid_request, invalid_cursor, "
                                           "not_found, invalid_key, key_expired, insufficient_scope, throttled.")
    message = serializers.CharField(help_text="For people, in the language of Accept-Language (vi by default).")
    field = serializers.CharField(allow_null=True, help_text="The query parameter, header or body field at fault, "
                                                                   "or null.")
    request_id = serializers.CharField(allow_null=True, help_text="Also the X-Request-Id header; quote it to us.")


class ApiErrorSerializer(serializers.Serializer):
    error = ApiErrorBodySerializer()


class BankMeBankSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The bank's code.")
    name = serializers.CharField(help_text="The credit institution's name.")


class BankMeKeySerializer(serializers.Serializer):
    prefix = serializers.CharField(help_text="The key's first characters (not secret), to recognise it.")
    label = serializers.CharField(allow_blank=True, help_text="What the agency called the key.")
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ApiScope.choices),
                                   help_text="What the key may do.")
    created_at = serializers.DateTimeField(help_text="When the key was created.")
    expires_at = serializers.DateTimeField(allow_null=True, help_text="When the key stops working; null: never.")


RATE_WINDOWS = [("burst", "Requests per minute (API_THROTTLE_BURST)"),
                ("sustained", "Requests per day (API_THROTTLE_SUSTAINED)")]


class BankMeLimitSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=RATE_WINDOWS, help_text="Which window.")
    limit = serializers.IntegerField(help_text="Requests allowed per window.")
    window_seconds = serializers.IntegerField(help_text="Length of the window in seconds.")
    remaining = serializers.IntegerField(help_text="Requests left in the current window (after this one).")
    reset_seconds = serializers.IntegerField(help_text="Seconds until the current window ends.")


class BankNoticeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=BankNotice.Kind.choices, help_text="What the notice is about.")
    message = serializers.CharField(help_text="The notice, for people.")
    webhook = serializers.IntegerField(source="webhook_id", allow_null=True,
                                       help_text="The webhook endpoint concerned, or null.")
    created_at = serializers.DateTimeField(help_text="When it was recorded.")


class BankMeSerializer(serializers.Serializer):
    bank = BankMeBankSerializer(help_text="The bank the key belongs to.")
    key = BankMeKeySerializer(help_text="The key of this request.")
    limits = BankMeLimitSerializer(many=True, help_text="The key's rate limits, as they stand.")
    notices = BankNoticeSerializer(many=True, help_text="What the agency's system told your bank (a webhook "
                                                        "endpoint paused…), newest first, the last 20.")
