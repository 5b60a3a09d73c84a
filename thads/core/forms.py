"""The one money input and the one date input of every form (admin and officer pages).

Money: ``MoneyField`` reads whole đồng typed as people write them (1.000.000, 1 000 000 ₫, 1000000 VND) through
thads.core.money.parse_money, which refuses anything that could be read two ways; its ``MoneyInput`` is a text
box (an HTML number box would read "1.000.000" as 1) that shows the amount grouped, and static/js/inputs.js
groups the digits while typing.

Dates: ``DayFirstDateField`` reads day/month/year in every language (Django's English formats would read
06/05/2025 as 5 June), plus ISO yyyy-mm-dd, and refuses a two-digit year; ``DayFirstDateInput`` shows dd/mm/yyyy.

ModelForms get both for their model fields with ``formfield_callback = thads_formfield`` in Meta; ModelAdmins
with ``DayFirstMoneyAdminMixin`` (thads.core.admin).
"""
import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from thads.core.money import MAX_MONEY, MoneyFormatError, format_vnd, parse_money

# ---- money -----------------------------------------------------------------------------------------------------


class MoneyInput(forms.TextInput):
    """A text box for whole đồng: numeric keyboard on phones, no browser autofill, and ``data-money`` for
    static/js/inputs.js. A valid amount is shown grouped (1.000.000); text that was refused is shown as typed."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", "data-money": True, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_vnd(value, symbol=False)
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return format_vnd(int(value), symbol=False)
        return super().format_value(value)


class MoneyField(forms.Field):
    """Whole đồng (int). ``min_value`` (default 0) and ``max_value`` (default MAX_MONEY) bound it;
    ``allow_zero=False`` refuses 0. Empty gives None (or the "required" error)."""

    widget = MoneyInput
    default_error_messages = {
        "min_value": _("Enter at least %(limit)s."),
        "max_value": _("Enter at most %(limit)s."),
        "zero": _("Enter an amount greater than 0 ₫."),
    }

    def __init__(self, *, min_value: int | None = 0, max_value: int | None = MAX_MONEY, allow_zero: bool = True,
                 **kwargs):
        self.min_value = 0 if min_value is None else max(int(min_value), 0)
        self.max_value = MAX_MONEY if max_value is None else min(int(max_value), MAX_MONEY)
        self.allow_zero = allow_zero
        kwargs.pop("localize", None)  # money is read one way in every language
        if not kwargs.get("help_text"):
            kwargs["help_text"] = _("Whole đồng, for example 500.000.000")
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, bool):
            raise ValidationError(MoneyFormatError("invalid").message, code="invalid")
        if isinstance(value, int):
            return value
        try:
            return parse_money(value)
        except MoneyFormatError as error:
            if error.code == "empty":  # only spaces or a currency sign: as if left empty
                return None
            raise ValidationError(error.message, code=error.code) from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < 0:
            raise ValidationError(MoneyFormatError("negative").message, code="negative")
        if value == 0 and not self.allow_zero:
            raise ValidationError(self.error_messages["zero"], code="zero")
        if value < self.min_value:
            raise ValidationError(self.error_messages["min_value"], code="min_value",
                                  params={"limit": format_vnd(self.min_value)})
        if value > self.max_value:
            code = "too_large" if self.max_value == MAX_MONEY else "max_value"
            message = MoneyFormatError("too_large").message if code == "too_large" else self.error_messages[code]
            raise ValidationError(message, code=code, params={"limit": format_vnd(self.max_value)})


# ---- dates -----------------------------------------------------------------------------------------------------

DATE_DISPLAY_FORMAT = "%d/%m/%Y"
_DAY_FIRST = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})", re.ASCII)
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_SHORT_YEAR = re.compile(r"[0-9]{1,2}([/.-])[0-9]{1,2}\1[0-9]{2}", re.ASCII)
# What the browser lets through before the server reads it (HTML pattern, JavaScript "v" flag syntax).
DATE_PATTERN = r"[0-9]{1,2}(\/|-|\.)[0-9]{1,2}(\/|-|\.)[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}"


class DayFirstDateInput(forms.DateInput):
    """A text box showing dd/mm/yyyy in every language."""

    def __init__(self, attrs=None, format=None):  # noqa: A002 — Django's own argument name
        super().__init__({"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                          "pattern": DATE_PATTERN, "size": "10", **(attrs or {})},
                         format=format or DATE_DISPLAY_FORMAT)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("title", str(_("Day/month/year, for example 06/05/2025")))
        return context


class DayFirstDateField(forms.DateField):
    """A date written day first — d/m/yyyy, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy — or as ISO yyyy-mm-dd, whatever
    the language of the page. A two-digit year is refused (which century?), and so is a day that does not
    exist, each with its own message."""

    widget = DayFirstDateInput
    default_error_messages = {
        "invalid": _("Enter the date as day/month/year, for example 06/05/2025."),
        "short_year": _("Write the year with four digits, for example 06/05/2025."),
        "no_such_day": _("This day does not exist: %(value)s."),
    }

    def __init__(self, **kwargs):
        kwargs.pop("localize", None)
        kwargs.pop("input_formats", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        if match := _DAY_FIRST.fullmatch(text):
            day, month, year = int(match[1]), int(match[3]), int(match[4])
        elif match := _ISO.fullmatch(text):
            year, month, day = int(match[1]), int(match[2]), int(match[3])
        elif _SHORT_YEAR.fullmatch(text):
            raise ValidationError(self.error_messages["short_year"], code="short_year")
        else:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(self.error_messages["no_such_day"], code="no_such_day",
                                  params={"value": text}) from None


# ---- model fields → these form fields ----------------------------------------------------------------------------

def is_money_column(db_field) -> bool:
    """Money is stored as BigIntegerField (whole đồng); PositiveBigIntegerField holds counts (shares)."""
    return (isinstance(db_field, models.BigIntegerField) and not isinstance(db_field, models.PositiveBigIntegerField)
            and not db_field.choices)


def is_date_column(db_field) -> bool:
    return (isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField)
            and not db_field.choices)


def thads_formfield(db_field, **kwargs):
    """``Meta.formfield_callback`` for ModelForms: money columns get MoneyField, date columns DayFirstDateField,
    everything else Django's default."""
    if is_money_column(db_field):
        return db_field.formfield(**{"form_class": MoneyField, "widget": MoneyInput, "min_value": 0,
                                     "max_value": MAX_MONEY, **kwargs})
    if is_date_column(db_field):
        return db_field.formfield(**{"form_class": DayFirstDateField, "widget": DayFirstDateInput, **kwargs})
    return db_field.formfield(**kwargs)
