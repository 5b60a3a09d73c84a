"""The one money input and the one date input (thads.core.money.parse_money, thads.core.forms): every spelling
people type is read as the number or the day they meant, in both languages, and anything that could be read
two ways is refused with a message in the page's language — never silently read as another number."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from thads.core.forms import DayFirstDateField, DayFirstDateInput, MoneyField, MoneyInput
from thads.core.money import MAX_MONEY, MoneyFormatError, parse_money

LANGUAGES = ("vi", "en")

ACCEPTED_MONEY = [
    ("1000000", 1_000_000),
    ("1.000.000", 1_000_000),
    ("1 000 000", 1_000_000),
    ("1\u00a0000\u00a0000", 1_000_000),  # no-break spaces (what a spreadsheet copies)
    ("1\u202f000\u202f000", 1_000_000),  # narrow no-break spaces
    ("1.000.000 ₫", 1_000_000),
    ("1.000.000₫", 1_000_000),
    ("1.000.000đ", 1_000_000),
    ("1.000.000 đ", 1_000_000),
    ("1.000.000 Đ", 1_000_000),
    ("1.000.000 VND", 1_000_000),
    ("1.000.000 vnd", 1_000_000),
    ("1.000.000 vnđ", 1_000_000),
    ("1.000.000 VNĐ", 1_000_000),
    ("  1.000.000  ", 1_000_000),
    ("999", 999),
    ("12.345", 12_345),
    ("0", 0),
    ("1.000.000.000.000.000", MAX_MONEY),
]

# (typed, code, English message, Vietnamese message)
COMMA = ("Commas are not accepted (they could be a decimal point): write 1.000.000 or 1000000.",
         "Không dùng dấu phẩy (có thể bị hiểu là dấu thập phân): ghi 1.000.000 hoặc 1000000.")
GROUPING = ("Put a dot (or a space) between every three digits, for example 1.000.000, and use no decimals.",
            "Đặt dấu chấm (hoặc dấu cách) sau mỗi ba chữ số, ví dụ 1.000.000, và không ghi số lẻ thập phân.")
INVALID = ("Enter a whole number of đồng in digits, for example 1.000.000.",
           "Nhập số đồng nguyên bằng chữ số, ví dụ 1.000.000.")
NEGATIVE = ("An amount cannot be negative.", "Số tiền không được âm.")
TOO_LARGE = ("This amount is too large: check the number of digits.", "Số tiền quá lớn: hãy kiểm tra lại số chữ số.")
EMPTY = ("Enter an amount in đồng.", "Nhập số tiền (đồng).")
REFUSED_MONEY = [
    ("1,5", "comma", COMMA),
    ("1.000,5", "comma", COMMA),
    ("1,000,000", "comma", COMMA),
    ("1,000", "comma", COMMA),
    ("5tr", "invalid", INVALID),
    ("5 triệu", "invalid", INVALID),
    ("abc", "invalid", INVALID),
    ("+5", "invalid", INVALID),
    ("1.00.000", "grouping", GROUPING),
    ("1.5", "grouping", GROUPING),
    ("12.5", "grouping", GROUPING),
    ("1000.000", "grouping", GROUPING),
    ("1.000 000", "grouping", GROUPING),  # two kinds of separator
    ("1..000", "grouping", GROUPING),
    ("-5", "negative", NEGATIVE),
    ("-1.000.000", "negative", NEGATIVE),
    ("−1.000", "negative", NEGATIVE),  # the typographic minus
    ("1000000000000001", "too_large", TOO_LARGE),
    ("1.000.000.000.000.001", "too_large", TOO_LARGE),
    ("", "empty", EMPTY),
    ("  ₫ ", "empty", EMPTY),
]


# ---- parse_money ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "amount"), ACCEPTED_MONEY)
def test_parse_money_reads_every_accepted_spelling(typed, amount):
    assert parse_money(typed) == amount


@pytest.mark.parametrize(("typed", "code", "messages"), REFUSED_MONEY)
def test_parse_money_refuses_what_could_be_read_two_ways(typed, code, messages):
    with pytest.raises(MoneyFormatError) as refused:
        parse_money(typed)
    assert refused.value.code == code


# ---- MoneyField -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("typed", "amount"), ACCEPTED_MONEY)
def test_the_money_field_cleans_every_accepted_spelling_in_both_languages(language, typed, amount):
    with translation.override(language):
        assert MoneyField().clean(typed) == amount


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("typed", "code", "messages"), [row for row in REFUSED_MONEY if row[1] != "empty"])
def test_the_money_field_refuses_with_a_message_in_the_page_language(language, typed, code, messages):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        MoneyField().clean(typed)
    with translation.override(language):
        assert (refused.value.code, refused.value.messages) == (code, [messages[("en", "vi").index(language)]])


@pytest.mark.parametrize(("language", "message"), [("vi", "Trường này là bắt buộc."),
                                                   ("en", "This field is required.")])
def test_an_empty_required_amount_is_refused_and_an_optional_one_is_none(language, message):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        MoneyField().clean("  ")
    with translation.override(language):
        assert refused.value.messages == [message]
    assert MoneyField(required=False).clean("") is None
    assert MoneyField(required=False).clean(" ₫ ") is None


@pytest.mark.parametrize(("language", "message"), [("vi", "Nhập số tiền lớn hơn 0 ₫."),
                                                   ("en", "Enter an amount greater than 0 ₫.")])
def test_allow_zero_false_refuses_zero(language, message):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        MoneyField(allow_zero=False).clean("0")
    with translation.override(language):
        assert refused.value.messages == [message]
    assert MoneyField(allow_zero=False).clean("1") == 1


@pytest.mark.parametrize(("language", "message"), [("vi", "Nhập ít nhất 1.000 ₫."), ("en", "Enter at least 1.000 ₫.")])
def test_min_value_refuses_less(language, message):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        MoneyField(min_value=1000).clean("999")
    with translation.override(language):
        assert refused.value.messages == [message]
    assert MoneyField(min_value=1000).clean("1.000") == 1000


def test_a_negative_min_value_is_not_honoured_money_is_never_negative():
    with pytest.raises(ValidationError):
        MoneyField(min_value=-5).clean(-1)


def test_the_money_input_is_a_text_box_showing_the_amount_grouped():
    html = MoneyField().widget.render("amount", 1_234_567)
    assert html == ('<input type="text" name="amount" value="1.234.567" inputmode="numeric" autocomplete="off" '
                    'data-money>')
    assert isinstance(MoneyField().widget, MoneyInput)


def test_the_money_input_shows_refused_text_as_it_was_typed():
    assert 'value="1,5"' in MoneyInput().render("amount", "1,5")
    assert 'value="2.500.000"' in MoneyInput().render("amount", "2500000")


# ---- DayFirstDateField ------------------------------------------------------------------------------------------

ACCEPTED_DATES = [
    ("06/05/2025", date(2025, 5, 6)),
    ("6/5/2025", date(2025, 5, 6)),
    ("06-05-2025", date(2025, 5, 6)),
    ("06.05.2025", date(2025, 5, 6)),
    ("2025-05-06", date(2025, 5, 6)),
    (" 31/12/2024 ", date(2024, 12, 31)),
    ("29/02/2024", date(2024, 2, 29)),
]
INVALID_DATE = ("Enter the date as day/month/year, for example 06/05/2025.",
                "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 06/05/2025.")
SHORT_YEAR = ("Write the year with four digits, for example 06/05/2025.", "Ghi năm đủ bốn chữ số, ví dụ 06/05/2025.")
REFUSED_DATES = [
    ("2025-13-01", "no_such_day", ("This day does not exist: 2025-13-01.", "Không có ngày này: 2025-13-01.")),
    ("31/02/2025", "no_such_day", ("This day does not exist: 31/02/2025.", "Không có ngày này: 31/02/2025.")),
    ("29/02/2025", "no_such_day", ("This day does not exist: 29/02/2025.", "Không có ngày này: 29/02/2025.")),
    ("06/13/2025", "no_such_day", ("This day does not exist: 06/13/2025.", "Không có ngày này: 06/13/2025.")),
    ("06/05/25", "short_year", SHORT_YEAR),
    ("6.5.25", "short_year", SHORT_YEAR),
    ("06/05-2025", "invalid", INVALID_DATE),  # two kinds of separator
    ("2025/05/06", "invalid", INVALID_DATE),
    ("May 6, 2025", "invalid", INVALID_DATE),
    ("06052025", "invalid", INVALID_DATE),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("typed", "day"), ACCEPTED_DATES)
def test_the_date_field_reads_day_first_in_both_languages(language, typed, day):
    with translation.override(language):
        assert DayFirstDateField().clean(typed) == day


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("typed", "code", "messages"), REFUSED_DATES)
def test_the_date_field_refuses_with_a_message_in_the_page_language(language, typed, code, messages):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        DayFirstDateField().clean(typed)
    with translation.override(language):
        assert (refused.value.code, refused.value.messages) == (code, [messages[("en", "vi").index(language)]])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_date_input_shows_day_first_in_both_languages(language):
    with translation.override(language):
        html = DayFirstDateField().widget.render("on", date(2025, 5, 6))
    assert 'type="text"' in html and 'value="06/05/2025"' in html
    assert 'placeholder="dd/mm/yyyy"' in html and 'inputmode="numeric"' in html and 'autocomplete="off"' in html
    assert isinstance(DayFirstDateField().widget, DayFirstDateInput)


def test_the_date_input_pattern_lets_through_exactly_the_accepted_shapes():
    import re

    pattern = re.compile(DayFirstDateInput().attrs["pattern"].replace("\\/", "/"))
    assert all(pattern.fullmatch(typed.strip()) for typed, _day in ACCEPTED_DATES)
    assert not pattern.fullmatch("06/05/25")
