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
    SYSTEM = "system", _("System")
