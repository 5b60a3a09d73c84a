"""xlsx exports of the dialogues (reports.exports' helpers: Vietnamese headers, money in whole đồng, dates
day-first, no formula injection): a session's minutes (agenda, commitments, effect) and a year's effect."""
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from dialogues.effect import GROUPS
from reports.exports import workbook_response, write_row


def _group_label(group: str) -> str:
    return {"agenda": _("Cases on the agenda, after the dialogue"),
            "others": _("The banks' other cases, after the dialogue"),
            "before": _("The banks' cases, the same months before")}[group]


def _effect_rows(sheet, windows) -> None:
    write_row(sheet, [_("Months"), _("Group"), _("Cases"), _("Money owed at the start"), _("Cases resolved"),
                      _("Resolved (%)"), _("Money collected"), _("Collected (%)"),
                      _("Assets sold or taken by the bank"), _("Window complete")], bold=True)
    for window in windows:
        for group in GROUPS:
            figures = window.groups[group]
            write_row(sheet, [window.months, _group_label(group), figures.cases, figures.money, figures.resolved,
                              figures.resolved_rate, figures.collected, figures.collected_rate, figures.assets,
                              _("yes") if window.complete else _("no")])


def _owner(commitment) -> str:
    if commitment.owner_bank_id:
        return commitment.owner_bank.name
    if commitment.owner_user_id:
        profile = getattr(commitment.owner_user, "officer_profile", None)
        return profile.full_name if profile else commitment.owner_user.get_username()
    if commitment.owner_unit_id:
        return commitment.owner_unit.name
    return commitment.owner_other


def session_xlsx(session, *, items, commitments, effect, today):
    workbook = Workbook(write_only=True)
    with translation.override("vi"):
        sheet = workbook.create_sheet(_("Agenda"))
        write_row(sheet, [str(session)], bold=True)
        write_row(sheet, [session.organiser.name, session.held_on, session.place, session.get_status_display()])
        write_row(sheet, [])
        write_row(sheet, [_("Rank"), _("Case"), _("Bank"), _("Remaining on the eve (VND)"), _("Reasons"),
                          _("Issue"), _("What was discussed")], bold=True)
        for item in items:
            write_row(sheet, [item.rank, item.case.case_no, item.case.creditor_bank.name if item.case.creditor_bank
                              else "", item.amount_remaining, item.reason_detail,
                              item.get_issue_category_display(), item.discussion])
        sheet = workbook.create_sheet(_("Commitments"))
        write_row(sheet, [_("Case"), _("Who commits"), _("Responsible"), _("Kind of commitment"), _("Commitment"),
                          _("Price (VND)"), _("Due date"), _("Status"), _("Done on"), _("Overdue")], bold=True)
        for commitment in commitments:
            overdue = commitment.status == "open" and commitment.due_on < today
            write_row(sheet, [commitment.case.case_no, commitment.get_party_display(), _owner(commitment),
                              commitment.get_kind_display(), commitment.text, commitment.price, commitment.due_on,
                              commitment.get_status_display(), commitment.done_on, _("yes") if overdue else ""])
        sheet = workbook.create_sheet(_("Effect"))
        _effect_rows(sheet, effect)
    return workbook_response(workbook, f"doi-thoai-{session.organiser.code}-{session.held_on:%Y%m%d}.xlsx")


def effect_xlsx(unit, result, per_session):
    workbook = Workbook(write_only=True)
    with translation.override("vi"):
        sheet = workbook.create_sheet(_("Year"))
        write_row(sheet, [unit.name, result.year], bold=True)
        if result.bank_cases is not None:
            write_row(sheet, [_("Bank cases in the fiscal year: resolved / with conditions"),
                              result.bank_cases["resolved"], result.bank_cases["with_conditions"],
                              result.bank_money["resolved"], result.bank_money["with_conditions"]])
        write_row(sheet, [])
        _effect_rows(sheet, result.windows)
        for session, windows in per_session:
            sheet = workbook.create_sheet(session.held_on.strftime("%d-%m-%Y") + f" #{session.pk}")
            write_row(sheet, [str(session), session.place], bold=True)
            _effect_rows(sheet, windows)
    return workbook_response(workbook, f"doi-thoai-hieu-qua-{unit.code}-{result.year}.xlsx")
