"""Assets enforced against, and what happens to them: seizure, valuation, auction rounds, the offer to the
creditor, enforcement costs and the distribution of the money (domain.md §4).

Rows are written only by cases.services.assets, which checks every step with cases.auction_rules. Like
events, the records are append-only except for the few fields that close a step (a seizure's release, a
round's payment, an offer's answer, an auction's closure), which those services set once.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.codes import (
    REAL_ESTATE_KINDS,
    AssetKind,
    AuctionClosure,
    ClaimRank,
    CostKind,
    DistributionSource,
    LandType,
    OwnerKind,
    PriceSetBy,
    RoundOutcome,
    SeizureStatus,
    ValuationMethod,
)


class Asset(models.Model):
    """A debtor's (or guarantor's, or third party's) asset, and the cases whose debts it answers for."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("enforcing unit"), on_delete=models.PROTECT,
                             related_name="assets")
    kind = models.CharField(_("kind of asset"), max_length=32, choices=AssetKind.choices)
    description = models.CharField(_("description"), max_length=500)
    owner_kind = models.CharField(_("owner is"), max_length=16, choices=OwnerKind.choices, default=OwnerKind.DEBTOR)
    owner_name = models.CharField(_("owner's name"), max_length=255)
    location = models.CharField(_("location / address"), max_length=500, blank=True)
    # Land use rights
    parcel_no = models.CharField(_("parcel number"), max_length=32, blank=True)
    map_sheet_no = models.CharField(_("map sheet number"), max_length=32, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=1, null=True, blank=True)
    land_type = models.CharField(_("land type"), max_length=32, choices=LandType.choices, blank=True)
    certificate_no = models.CharField(_("certificate number (land / house / registration)"), max_length=64,
                                      blank=True)
    # Vehicles, accounts, shares
    plate_no = models.CharField(_("number plate"), max_length=32, blank=True)
    account_no = models.CharField(_("account number and institution"), max_length=128, blank=True)
    share_count = models.PositiveBigIntegerField(_("number of shares"), null=True, blank=True)

    cases = models.ManyToManyField("cases.Case", verbose_name=_("cases it answers for"), through="AssetCase",
                                   related_name="assets")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=AssetKind.LAND_USE_RIGHT) | (
                    ~Q(parcel_no="") & ~Q(map_sheet_no="") & Q(area_m2__gt=0) & ~Q(land_type="")),
                name="asset_land_details_required"),
            models.CheckConstraint(condition=~Q(kind=AssetKind.VEHICLE) | ~Q(plate_no=""),
                                   name="asset_vehicle_plate_required"),
        ]

    def __str__(self) -> str:
        if self.kind == AssetKind.LAND_USE_RIGHT:
            return _("Parcel %(parcel)s, sheet %(sheet)s — %(description)s") % {
                "parcel": self.parcel_no, "sheet": self.map_sheet_no, "description": self.description}
        return self.description

    @property
    def is_real_estate(self) -> bool:
        return self.kind in REAL_ESTATE_KINDS


class AssetCase(models.Model):
    """That an asset answers for a case's debt, and how that debt ranks when the proceeds are paid out."""

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="links")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="asset_links")
    rank = models.PositiveSmallIntegerField(_("rank in the order of payment"), choices=ClaimRank.choices,
                                            default=ClaimRank.OTHER)
    interest_due = models.BigIntegerField(
        _("late-payment interest included in the amount due (VND)"), default=0,
        help_text=_("Paid after the principal of every creditor of the same rank (Điều 47)."))

    class Meta:
        verbose_name = _("case the asset answers for")
        verbose_name_plural = _("cases the asset answers for")
        ordering = ["asset_id", "rank", "case_id"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "case"], name="asset_case_unique"),
            models.CheckConstraint(condition=Q(interest_due__gte=0), name="asset_case_interest_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} → {self.case_id}"


class Seizure(models.Model):
    """Kê biên: the asset is seized in one case; while in force, no second seizure of the same asset."""

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="seizures")
    case = models.ForeignKey("cases.Case", verbose_name=_("case in which it was seized"), on_delete=models.PROTECT,
                             related_name="seizures")
    seized_on = models.DateField(_("seizure date"))
    minutes_no = models.CharField(_("seizure minutes number"), max_length=64)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("enforcement officer"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    with_mobilised_forces = models.BooleanField(
        _("coercion with mobilised forces"), default=False,
        help_text=_("Not allowed in the 15 days before and after Tết under the law in force from 1/7/2026."))
    status = models.CharField(_("status"), max_length=16, choices=SeizureStatus.choices,
                              default=SeizureStatus.IN_FORCE)
    released_on = models.DateField(_("release date"), null=True, blank=True)
    release_reason = models.CharField(_("release reason"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("seizure")
        verbose_name_plural = _("seizures")
        ordering = ["asset_id", "seized_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["asset"], condition=Q(status=SeizureStatus.IN_FORCE),
                                    name="seizure_one_in_force_per_asset"),
            models.CheckConstraint(
                condition=(Q(status=SeizureStatus.IN_FORCE, released_on__isnull=True)
                           | Q(status=SeizureStatus.RELEASED, released_on__isnull=False)),
                name="seizure_release_date_iff_released"),
        ]

    def __str__(self) -> str:
        return _("Seizure %(minutes)s of %(date)s") % {"minutes": self.minutes_no,
                                                         "date": self.seized_on.strftime("%d/%m/%Y")}


class Valuation(models.Model):
    """The value of a seized asset, which becomes the auction's starting price. At most one re-valuation,
    on request within the window after notice (a row pointing at the valuation it replaces)."""

    seizure = models.ForeignKey(Seizure, verbose_name=_("seizure"), on_delete=models.PROTECT,
                                related_name="valuations")
    method = models.CharField(_("method"), max_length=16, choices=ValuationMethod.choices)
    firm_name = models.CharField(_("valuation firm"), max_length=255, blank=True)
    contract_signed_on = models.DateField(_("valuation contract date"), null=True, blank=True)
    valued_on = models.DateField(_("valuation date"))
    value = models.BigIntegerField(_("value (VND)"))
    notified_on = models.DateField(_("date the parties were notified"), null=True, blank=True)
    revaluation_of = models.OneToOneField("self", verbose_name=_("re-valuation of"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="revaluation")
    revaluation_requested_on = models.DateField(_("re-valuation requested on"), null=True, blank=True)
    requested_by = models.CharField(_("re-valuation requested by"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("valuation")
        verbose_name_plural = _("valuations")
        ordering = ["seizure_id", "valued_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="valuation_value_positive"),
            models.CheckConstraint(
                condition=Q(revaluation_of__isnull=True) | Q(revaluation_requested_on__isnull=False),
                name="revaluation_has_request_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.valued_on:%d/%m/%Y}"


class Auction(models.Model):
    """The sale of one seized asset through an auction organisation, round after round, until it is sold,
    handed to the creditor, redeemed by the debtor or returned to the debtor."""

    seizure = models.OneToOneField(Seizure, verbose_name=_("seizure"), on_delete=models.PROTECT,
                                   related_name="auction")
    organisation = models.CharField(_("auction organisation"), max_length=255)
    contract_no = models.CharField(_("auction contract number"), max_length=64)
    contract_signed_on = models.DateField(_("auction contract date"))
    closed_as = models.CharField(_("closed as"), max_length=32, choices=AuctionClosure.choices, blank=True)
    closed_on = models.DateField(_("closing date"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("auction")
        verbose_name_plural = _("auctions")
        ordering = ["-contract_signed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closed_as="", closed_on__isnull=True)
                                   | (~Q(closed_as="") & Q(closed_on__isnull=False)),
                                   name="auction_closing_date_iff_closed"),
        ]

    def __str__(self) -> str:
        return _("Auction contract %(contract)s") % {"contract": self.contract_no}


class AuctionRound(models.Model):
    """One auction round (phiên đấu giá): its starting price, the reduction from the previous round, and
    the outcome. A sale stays open until the buyer pays (within the payment period) or defaults."""

    auction = models.ForeignKey(Auction, verbose_name=_("auction"), on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    held_on = models.DateField(_("auction date"))
    starting_price = models.BigIntegerField(_("starting price (VND)"))
    reduction = models.BigIntegerField(_("reduction from the previous round (VND)"), default=0)
    reduction_percent = models.DecimalField(_("reduction (%)"), max_digits=6, decimal_places=2, default=0)
    price_set_by = models.CharField(_("price set by"), max_length=16, choices=PriceSetBy.choices)
    outcome = models.CharField(_("outcome"), max_length=32, choices=RoundOutcome.choices)
    sale_price = models.BigIntegerField(_("sale price (VND)"), null=True, blank=True)
    buyer_name = models.CharField(_("buyer"), max_length=255, blank=True)
    payment_due_on = models.DateField(_("buyer must pay by"), null=True, blank=True)
    paid_on = models.DateField(_("buyer paid on"), null=True, blank=True)
    defaulted_on = models.DateField(_("buyer defaulted on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("auction round")
        verbose_name_plural = _("auction rounds")
        ordering = ["auction_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["auction", "number"], name="auction_round_number_unique"),
            models.CheckConstraint(condition=Q(starting_price__gt=0), name="auction_round_price_positive"),
            models.CheckConstraint(condition=Q(reduction__gte=0), name="auction_round_reduction_not_negative"),
            models.CheckConstraint(
                condition=(Q(outcome=RoundOutcome.SOLD, sale_price__gte=models.F("starting_price"))
                           | (~Q(outcome=RoundOutcome.SOLD) & Q(paid_on__isnull=True)
                              & (Q(sale_price__isnull=True) | Q(outcome=RoundOutcome.WINNER_DID_NOT_PAY)))),
                name="auction_round_sale_price_iff_sold"),
        ]

    def __str__(self) -> str:
        return _("Round %(number)s on %(date)s") % {"number": self.number, "date": self.held_on.strftime("%d/%m/%Y")}


class CreditorOffer(models.Model):
    """After the auction at the twice-reduced price fails, the creditor is offered the asset against the
    debt (Điều 104). If it accepts, the debtor may still pay within the redemption window to keep it."""

    auction = models.OneToOneField(Auction, verbose_name=_("auction"), on_delete=models.PROTECT,
                                   related_name="creditor_offer")
    case = models.ForeignKey("cases.Case", verbose_name=_("creditor's case"), on_delete=models.PROTECT,
                             related_name="creditor_offers")
    offered_on = models.DateField(_("offered on"))
    price = models.BigIntegerField(_("price the asset is offered at (VND)"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)
    redemption_due_on = models.DateField(_("the debtor may pay to keep it until"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("offer of the asset to the creditor")
        verbose_name_plural = _("offers of the asset to the creditor")
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="creditor_offer_price_positive"),
            models.CheckConstraint(condition=Q(accepted__isnull=True, answered_on__isnull=True)
                                   | Q(accepted__isnull=False, answered_on__isnull=False),
                                   name="creditor_offer_answer_date_iff_answered"),
        ]

    def __str__(self) -> str:
        return _("Offer of %(date)s") % {"date": self.offered_on.strftime("%d/%m/%Y")}


class Distribution(models.Model):
    """Money from an asset (a sale, a hand-over to the creditor at the offered price, money collected from
    it) paid out in the legal order across the cases it answers for (Điều 47)."""

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="distributions")
    auction = models.ForeignKey(Auction, verbose_name=_("auction"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="distributions")
    source = models.CharField(_("source"), max_length=16, choices=DistributionSource.choices)
    received_on = models.DateField(_("date the money was received"))
    proceeds = models.BigIntegerField(_("proceeds (VND)"))
    costs_paid = models.BigIntegerField(_("enforcement costs paid first (VND)"))
    surplus_to_debtor = models.BigIntegerField(_("surplus returned to the debtor (VND)"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("distribution of proceeds")
        verbose_name_plural = _("distributions of proceeds")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(proceeds__gt=0), name="distribution_proceeds_positive"),
            models.CheckConstraint(condition=Q(costs_paid__gte=0) & Q(surplus_to_debtor__gte=0),
                                   name="distribution_parts_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.received_on:%d/%m/%Y}"


class DistributionShare(models.Model):
    """What one case's creditor gets from a distribution: recorded on that case as a collection (thu_tien
    event), to be paid out to the creditor within 10 days (the payout deadline of the event)."""

    distribution = models.ForeignKey(Distribution, verbose_name=_("distribution"), on_delete=models.PROTECT,
                                     related_name="shares")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="distribution_shares")
    recipient = models.CharField(_("recipient"), max_length=255)
    rank = models.PositiveSmallIntegerField(_("rank"), choices=ClaimRank.choices)
    secured = models.BooleanField(_("paid as secured creditor"), default=False)
    principal = models.BigIntegerField(_("principal (VND)"))
    interest = models.BigIntegerField(_("interest (VND)"))
    amount = models.BigIntegerField(_("amount (VND)"))
    event = models.OneToOneField("cases.CaseEvent", verbose_name=_("collection event"), on_delete=models.PROTECT,
                                 related_name="distribution_share")

    class Meta:
        verbose_name = _("share of a creditor")
        verbose_name_plural = _("shares of the creditors")
        ordering = ["distribution_id", "rank", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(amount=models.F("principal") + models.F("interest")),
                                   name="distribution_share_amount_consistent"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.amount}"


class EnforcementCost(models.Model):
    """An enforcement cost of a case (seizure, valuation, auction, storage…), optionally tied to an asset.
    The costs are paid first from the asset's proceeds, oldest first; ``recovered`` says how much was."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="enforcement_costs")
    asset = models.ForeignKey(Asset, verbose_name=_("asset"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="costs")
    incurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind of cost"), max_length=16, choices=CostKind.choices)
    amount = models.BigIntegerField(_("amount (VND)"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    # How much of it has been paid back from proceeds (oldest costs first; set by the distribution).
    recovered = models.BigIntegerField(_("recovered from proceeds (VND)"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enforcement cost")
        verbose_name_plural = _("enforcement costs")
        ordering = ["case_id", "incurred_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="enforcement_cost_positive"),
            models.CheckConstraint(condition=Q(recovered__gte=0) & Q(recovered__lte=models.F("amount")),
                                   name="enforcement_cost_recovered_within_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
