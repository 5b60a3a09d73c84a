"""Test data builders. Cases and events are created through the services, as in production."""
from datetime import date

import factory

from banks.models import Bank
from cases.codes import Category, JudgmentType, Origin, PartyRole
from cases.services import PartyData, case_create, case_event_record
from thads.org.models import Unit, UnitLevel


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Đơn vị {o.code}")
    level = UnitLevel.DISTRICT
    valid_from = date(2004, 1, 1)
    valid_to = None
    parent = None


class BankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bank
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"BANK{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Ngân hàng {o.code}")


_counter = {"n": 0}


def make_case(*, unit, actor=None, case_no=None, category=Category.KHAC, amount_due=10_000_000,
              accepted_on=date(2019, 1, 10), origin=Origin.THEO_YEU_CAU, bank=None, officer=None,
              judgment_type=JudgmentType.DAN_SU, today=date(2026, 11, 28), decision_no=None, **extra):
    """A case accepted through case_create (with one debtor and one creditor)."""
    _counter["n"] += 1
    if category == Category.TIN_DUNG_NGAN_HANG and bank is None:
        bank = BankFactory()
    return case_create(
        actor=actor, case_no=case_no or f"TEST-{_counter['n']:06d}",
        decision_no=decision_no or f"{_counter['n']}/QĐ-CCTHADS",
        accepted_on=accepted_on, unit=unit, origin=origin, category=category, judgment_type=judgment_type,
        amount_due=amount_due, creditor_bank=bank, officer=officer, today=today,
        parties=[PartyData(role=PartyRole.DEBTOR, name="Nguyễn Văn A"),
                 PartyData(role=PartyRole.CREDITOR, name="Trần Thị B")],
        **extra,
    )


def record(case, kind, on, *, amount=None, ground="", actor=None, today=date(2026, 11, 28), **extra):
    """Record one event through case_event_record."""
    return case_event_record(actor=actor, case=case, kind=kind, date=on, amount=amount, ground=ground, today=today,
                             **extra)
