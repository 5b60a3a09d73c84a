"""Stable codes of the case domain (domain.md §3). Codes are ASCII and never change; labels are translated.

These are plain enumerations (no database access), shared by the models, the pure workflow, the import
and the API.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    CHU_DONG = "chu_dong", _("Ex officio")
    THEO_YEU_CAU = "theo_yeu_cau", _("On request")


class Category(models.TextChoices):
    TIN_DUNG_NGAN_HANG = "tin_dung_ngan_hang", _("Credit and banking")
    NGAN_SACH = "ngan_sach", _("State budget revenue")
    THAM_NHUNG_KINH_TE = "tham_nhung_kinh_te", _("Corruption and economic crime")
    KHAC = "khac", _("Other")


class JudgmentType(models.TextChoices):
    DAN_SU = "dan_su", _("Civil")
    HINH_SU = "hinh_su", _("Criminal (civil part)")
    HANH_CHINH = "hanh_chinh", _("Administrative")
    HON_NHAN_GIA_DINH = "hon_nhan_gia_dinh", _("Marriage and family")
    KINH_DOANH_THUONG_MAI = "kinh_doanh_thuong_mai", _("Business and commerce")
    LAO_DONG = "lao_dong", _("Labour")
    PHA_SAN = "pha_san", _("Bankruptcy")
    TRONG_TAI = "trong_tai", _("Commercial arbitration")
    KHAC = "khac", _("Other")


class EventKind(models.TextChoices):
    CO_DIEU_KIEN = "co_dieu_kien", _("With conditions for enforcement")
    CHUA_CO_DIEU_KIEN = "chua_co_dieu_kien", _("Without conditions for enforcement")
    HOAN = "hoan", _("Enforcement postponed")
    TAM_DINH_CHI = "tam_dinh_chi", _("Enforcement suspended")
    TIEP_TUC = "tiep_tuc", _("Enforcement resumed")
    THU_TIEN = "thu_tien", _("Money collected")
    GIAM = "giam", _("Obligation reduced")
    DINH_CHI = "dinh_chi", _("Enforcement terminated")
    XONG = "xong", _("Enforcement completed")
    UY_THAC_DI = "uy_thac_di", _("Entrusted to another office")
    CHUYEN_SO_RIENG = "chuyen_so_rieng", _("Moved to the separate book")
    # Not a step of the case: it cancels the latest effective event, entered by mistake (cases.services.
    # case_event_cancel). It is recorded only through that service, never as an ordinary event or imported.
    DINH_CHINH = "dinh_chinh", _("Correction (cancels a mistaken event)")


class Status(models.TextChoices):
    """Where a case stands. The first five are open; the last three end the case."""

    WITH_CONDITIONS = "with_conditions", _("With conditions, being enforced")
    WITHOUT_CONDITIONS = "without_conditions", _("Without conditions for enforcement")
    POSTPONED = "postponed", _("Enforcement postponed")
    SUSPENDED = "suspended", _("Enforcement suspended")
    SEPARATE_BOOK = "separate_book", _("In the separate book")
    COMPLETED = "completed", _("Enforcement completed")
    TERMINATED = "terminated", _("Enforcement terminated")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out by entrustment")


ENDED_STATUSES = frozenset({Status.COMPLETED, Status.TERMINATED, Status.TRANSFERRED_OUT})


class PostponementGround(models.TextChoices):
    """Điều 48 khoản 1 Luật THADS (đ written `dd`)."""

    A = "a", _("a) The judgment debtor is seriously ill, or has lost or has limited legal capacity")
    B = "b", _("b) The judgment debtor's address is not yet known, or another legitimate reason")
    C = "c", _("c) The parties agree to postpone enforcement")
    D = "d", _("d) The property is the subject of a dispute before a court")
    DD = "dd", _("đ) The period for explaining the judgment or decision is running")
    E = "e", _("e) The person entitled to the property or to custody does not come to receive it")
    G = "g", _("g) The enforcement rights and obligations have not yet been transferred")
    H = "h", _("h) Seized property could not be sold and the judgment creditor does not accept it")


class SuspensionGround(models.TextChoices):
    """Điều 49 Luật THADS."""

    GIAM_DOC_THAM = "giam_doc_tham", _("Protest for cassation or reopening review")
    PHA_SAN = "pha_san", _("A court has accepted a petition to open bankruptcy proceedings")


class TerminationGround(models.TextChoices):
    """Điều 50 khoản 1 Luật THADS."""

    A = "a", _("a) The judgment debtor died leaving no estate")
    B = "b", _("b) The judgment creditor died and their rights and interests cannot be inherited")
    C = "c", _("c) The parties agreed, or the judgment creditor asked, not to enforce")
    D = "d", _("d) The judgment or decision was annulled")
    DD = "dd", _("đ) The debtor organisation was dissolved and has no property left")
    E = "e", _("e) A decision exempts the debtor from the obligation")
    G = "g", _("g) A court declared the judgment debtor bankrupt")
    H = "h", _("h) The minor placed in custody has died or come of age")
    I = "i", _("i) The judgment creditor refuses to receive the property or items")  # noqa: E741


class NoConditionsGround(models.TextChoices):
    """Điều 44a khoản 1 Luật THADS; optional on `chua_co_dieu_kien`. It sets the re-verification interval."""

    KHONG_TAI_SAN = "khong_tai_san", _("No income or property to enforce against")
    DANG_CHAP_HANH_AN_TU = "dang_chap_hanh_an_tu", _("Serving a prison sentence with 2 or more years left")
    KHONG_RO_DIA_CHI = "khong_ro_dia_chi", _("Address and whereabouts unknown")
    VAT_KHONG_CON = "vat_khong_con", _("The specific item to be returned no longer exists")


GROUNDS_BY_KIND: dict[str, type[models.TextChoices]] = {
    EventKind.HOAN: PostponementGround,
    EventKind.TAM_DINH_CHI: SuspensionGround,
    EventKind.DINH_CHI: TerminationGround,
    EventKind.CHUA_CO_DIEU_KIEN: NoConditionsGround,
}
GROUND_REQUIRED_KINDS = frozenset({EventKind.HOAN, EventKind.TAM_DINH_CHI, EventKind.DINH_CHI})
AMOUNT_KINDS = frozenset({EventKind.THU_TIEN, EventKind.GIAM})
# The kinds recorded as steps of a case (forms, import, case_event_record): every kind but the correction.
RECORDABLE_KINDS = tuple(kind for kind in EventKind.values if kind != EventKind.DINH_CHINH)


class PartyRole(models.TextChoices):
    DEBTOR = "debtor", _("Judgment debtor")
    CREDITOR = "creditor", _("Judgment creditor")


class PartyKind(models.TextChoices):
    PERSON = "person", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class EventSource(models.TextChoices):
    WEB = "web", _("Web page")
    ADMIN = "admin", _("Admin site")
    IMPORT = "import", _("Ledger import")
    API = "api", _("Bank API")
    COMMAND = "command", _("Command line")
    JOB = "job", _("Background job")
    SYSTEM = "system", _("System")


# ---- assets, seizure, valuation, auctions (domain.md §4) ---------------------------------------------------

class AssetKind(models.TextChoices):
    LAND_USE_RIGHT = "land_use_right", _("Land use right")
    HOUSE = "house", _("House or building")
    VEHICLE = "vehicle", _("Vehicle")
    BANK_ACCOUNT = "bank_account", _("Money in a bank account")
    SHARES = "shares", _("Shares or capital contribution")
    OTHER = "other", _("Other property")


# Real estate is always sold by an auction organisation and auctioned within 45 days of the contract;
# movables within 30 days.
REAL_ESTATE_KINDS = frozenset({AssetKind.LAND_USE_RIGHT, AssetKind.HOUSE})


class LandType(models.TextChoices):
    RICE = "rice", _("Rice land")
    OTHER_AGRICULTURAL = "other_agricultural", _("Other agricultural land")
    RESIDENTIAL = "residential", _("Residential land")
    NON_AGRICULTURAL = "non_agricultural", _("Non-agricultural land other than residential")


class OwnerKind(models.TextChoices):
    DEBTOR = "debtor", _("The judgment debtor")
    GUARANTOR = "guarantor", _("A guarantor")
    THIRD_PARTY = "third_party", _("A third party")


class SeizureStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    RELEASED = "released", _("Released")


class ValuationMethod(models.TextChoices):
    AGREEMENT = "agreement", _("Agreed by the parties")
    FIRM = "firm", _("Valuation firm")
    OFFICER = "officer", _("Enforcement officer")
    COUNCIL = "council", _("Valuation council")


class PriceSetBy(models.TextChoices):
    VALUATION = "valuation", _("The valuation (first round)")
    AGREEMENT = "agreement", _("Agreed by the parties")
    OFFICER = "officer", _("Decided by the enforcement officer")


class RoundOutcome(models.TextChoices):
    # The values are cases.auction_rules.Outcome's.
    SOLD = "sold", _("Sold")
    NO_REGISTRANT = "no_registrant", _("Failed: nobody registered")
    NO_BID = "no_bid", _("Failed: no bid")
    WINNER_REFUSED = "winner_refused", _("Failed: the winner refused to buy")
    WINNER_DID_NOT_PAY = "winner_did_not_pay", _("Failed: the winner did not pay")


class AuctionClosure(models.TextChoices):
    SOLD = "sold", _("Sold and paid")
    HANDED_TO_CREDITOR = "handed_to_creditor", _("Handed to the creditor against the debt")
    REDEEMED = "redeemed", _("The debtor paid to keep the asset")
    RETURNED_TO_DEBTOR = "returned_to_debtor", _("Returned to the debtor (nobody buys, the creditor declined)")


class CostKind(models.TextChoices):
    SEIZURE = "seizure", _("Seizure and coercion")
    VALUATION = "valuation", _("Valuation")
    AUCTION = "auction", _("Auction")
    STORAGE = "storage", _("Storage and safekeeping")
    OTHER = "other", _("Other enforcement cost")


class ClaimRank(models.IntegerChoices):
    """Điều 47 khoản 1: the order creditors are paid in after enforcement costs (and after a secured creditor
    on its own collateral)."""

    LIVELIHOOD = 1, _("1. Maintenance, wages, damages for life and health")
    COURT_FEES = 2, _("2. Court fees")
    OTHER = 3, _("3. Other debts")


class DistributionSource(models.TextChoices):
    SALE = "sale", _("Auction sale")
    HANDOVER = "handover", _("Asset handed to the creditor")
    COLLECTION = "collection", _("Money collected from the asset")
