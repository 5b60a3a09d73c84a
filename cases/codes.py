"""Stable codes of the case domain (domain.md §3). Codes are ASCII and never change; labels are translated.

These are plain enumerations (no database access), shared by the models, the pure workflow, the import
and the API.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    CHU_DONG = "chu_dong", _("Chủ động")
    THEO_YEU_CAU = "theo_yeu_cau", _("Theo yêu cầu")


class Category(models.TextChoices):
    TIN_DUNG_NGAN_HANG = "tin_dung_ngan_hang", _("Tín dụng, ngân hàng")
    NGAN_SACH = "ngan_sach", _("Thu cho ngân sách nhà nước")
    THAM_NHUNG_KINH_TE = "tham_nhung_kinh_te", _("Tham nhũng, kinh tế")
    KHAC = "khac", _("Khác")


class JudgmentType(models.TextChoices):
    DAN_SU = "dan_su", _("Dân sự")
    HINH_SU = "hinh_su", _("Hình sự (phần dân sự)")
    HANH_CHINH = "hanh_chinh", _("Hành chính")
    HON_NHAN_GIA_DINH = "hon_nhan_gia_dinh", _("Hôn nhân và gia đình")
    KINH_DOANH_THUONG_MAI = "kinh_doanh_thuong_mai", _("Kinh doanh, thương mại")
    LAO_DONG = "lao_dong", _("Lao động")
    PHA_SAN = "pha_san", _("Phá sản")
    TRONG_TAI = "trong_tai", _("Trọng tài thương mại")
    KHAC = "khac", _("Khác")


class EventKind(models.TextChoices):
    CO_DIEU_KIEN = "co_dieu_kien", _("Có điều kiện thi hành")
    CHUA_CO_DIEU_KIEN = "chua_co_dieu_kien", _("Chưa có điều kiện thi hành")
    HOAN = "hoan", _("Hoãn thi hành án")
    TAM_DINH_CHI = "tam_dinh_chi", _("Tạm đình chỉ thi hành án")
    TIEP_TUC = "tiep_tuc", _("Tiếp tục thi hành án")
    THU_TIEN = "thu_tien", _("Thu tiền")
    GIAM = "giam", _("Giảm thi hành án")
    DINH_CHI = "dinh_chi", _("Đình chỉ thi hành án")
    XONG = "xong", _("Thi hành xong")
    UY_THAC_DI = "uy_thac_di", _("Ủy thác đi")
    CHUYEN_SO_RIENG = "chuyen_so_rieng", _("Chuyển sổ theo dõi riêng")


class Status(models.TextChoices):
    """Where a case stands. The first five are open; the last three end the case."""

    WITH_CONDITIONS = "with_conditions", _("Có điều kiện, đang thi hành")
    WITHOUT_CONDITIONS = "without_conditions", _("Chưa có điều kiện thi hành")
    POSTPONED = "postponed", _("Hoãn thi hành án")
    SUSPENDED = "suspended", _("Tạm đình chỉ thi hành án")
    SEPARATE_BOOK = "separate_book", _("Theo dõi riêng")
    COMPLETED = "completed", _("Thi hành xong")
    TERMINATED = "terminated", _("Đình chỉ thi hành án")
    TRANSFERRED_OUT = "transferred_out", _("Đã ủy thác đi")


ENDED_STATUSES = frozenset({Status.COMPLETED, Status.TERMINATED, Status.TRANSFERRED_OUT})


class PostponementGround(models.TextChoices):
    """Điều 48 khoản 1 Luật THADS (đ written `dd`)."""

    A = "a", _("a) Người phải thi hành án ốm nặng, mất hoặc hạn chế năng lực hành vi dân sự")
    B = "b", _("b) Chưa xác định được địa chỉ người phải thi hành án hoặc lý do chính đáng khác")
    C = "c", _("c) Đương sự đồng ý hoãn thi hành án")
    D = "d", _("d) Tài sản đang được Tòa án thụ lý giải quyết tranh chấp")
    DD = "dd", _("đ) Đang trong thời hạn giải thích bản án, quyết định")
    E = "e", _("e) Người được nhận tài sản, người được giao nuôi dưỡng không đến nhận")
    G = "g", _("g) Chưa thực hiện được việc chuyển giao quyền và nghĩa vụ thi hành án")
    H = "h", _("h) Tài sản kê biên không bán được mà người được thi hành án không nhận")


class SuspensionGround(models.TextChoices):
    """Điều 49 Luật THADS."""

    GIAM_DOC_THAM = "giam_doc_tham", _("Kháng nghị giám đốc thẩm, tái thẩm")
    PHA_SAN = "pha_san", _("Tòa án thụ lý đơn yêu cầu mở thủ tục phá sản")


class TerminationGround(models.TextChoices):
    """Điều 50 khoản 1 Luật THADS."""

    A = "a", _("a) Người phải thi hành án chết không để lại di sản")
    B = "b", _("b) Người được thi hành án chết, quyền và lợi ích không được thừa kế")
    C = "c", _("c) Đương sự thỏa thuận hoặc người được thi hành án yêu cầu không thi hành")
    D = "d", _("d) Bản án, quyết định bị hủy")
    DD = "dd", _("đ) Tổ chức phải thi hành án giải thể, không còn tài sản")
    E = "e", _("e) Có quyết định miễn nghĩa vụ thi hành án")
    G = "g", _("g) Tòa án tuyên bố phá sản người phải thi hành án")
    H = "h", _("h) Người chưa thành niên được giao nuôi dưỡng đã chết hoặc đã thành niên")
    I = "i", _("i) Người được thi hành án từ chối nhận tài sản, đồ vật")  # noqa: E741


class NoConditionsGround(models.TextChoices):
    """Điều 44a khoản 1 Luật THADS; optional on `chua_co_dieu_kien`. It sets the re-verification interval."""

    KHONG_TAI_SAN = "khong_tai_san", _("Không có thu nhập hoặc tài sản để thi hành án")
    DANG_CHAP_HANH_AN_TU = "dang_chap_hanh_an_tu", _("Đang chấp hành hình phạt tù còn từ 2 năm trở lên")
    KHONG_RO_DIA_CHI = "khong_ro_dia_chi", _("Không rõ địa chỉ, tung tích")
    VAT_KHONG_CON = "vat_khong_con", _("Vật đặc định phải trả không còn")


GROUNDS_BY_KIND: dict[str, type[models.TextChoices]] = {
    EventKind.HOAN: PostponementGround,
    EventKind.TAM_DINH_CHI: SuspensionGround,
    EventKind.DINH_CHI: TerminationGround,
    EventKind.CHUA_CO_DIEU_KIEN: NoConditionsGround,
}
GROUND_REQUIRED_KINDS = frozenset({EventKind.HOAN, EventKind.TAM_DINH_CHI, EventKind.DINH_CHI})
AMOUNT_KINDS = frozenset({EventKind.THU_TIEN, EventKind.GIAM})


class PartyRole(models.TextChoices):
    DEBTOR = "debtor", _("Người phải thi hành án")
    CREDITOR = "creditor", _("Người được thi hành án")


class PartyKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức")


class EventSource(models.TextChoices):
    WEB = "web", _("Nhập trên trang")
    ADMIN = "admin", _("Trang quản trị")
    IMPORT = "import", _("Nhập từ sổ (ledger)")
    SYSTEM = "system", _("Hệ thống")
