# A held dialogue with the bank $THADS_BANK for .ci/api_contract (run with manage.py shell), so that schemathesis
# reads real sessions, agenda items and commitments: the bank's earliest credit case on the agenda, a commitment
# the bank owes and one its unit owes, written through dialogues.services as the pages do.
import os

from banks.models import Bank
from cases.models import Case
from dialogues.models import CommitmentKind, CommitmentParty
from dialogues.services import BankData, agenda_add, commitment_record, session_create, session_hold

bank = Bank.objects.get(code=os.environ["THADS_BANK"])
case = Case.objects.filter(creditor_bank=bank, category="tin_dung_ngan_hang").order_by("accepted_on", "id").first()
session = session_create(actor=None, organiser=case.unit, held_on=case.accepted_on, place="Hội trường",
                         banks=[BankData(bank, "Ông A, Phó Giám đốc")])
item = agenda_add(actor=None, session=session, case=case, issue_category="unsold_asset")
session_hold(actor=None, session=session)
for party, kind, owner in ((CommitmentParty.BANK, CommitmentKind.SUPPLY_DOCUMENTS, {"owner_bank": bank}),
                           (CommitmentParty.UNIT, CommitmentKind.REAUCTION, {"owner_unit": case.unit})):
    commitment_record(actor=None, item=item, party=party, kind=kind, text="Cam kết", due_in_working_days=10, **owner)
print(session.pk)
