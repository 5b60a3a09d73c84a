"""Which page does each step: the link from a due item or a case to the form that records it."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.deadlines import DeadlineKind

# deadline kind → (url name taking the case id, button label); None: the case page's own section
DEADLINE_ACTIONS = {
    DeadlineKind.VERIFICATION: ("cases:verify", _("Record the verification")),
    DeadlineKind.REVERIFICATION: ("cases:verify", _("Record the re-verification")),
    DeadlineKind.PAYOUT: ("cases:payout", _("Record the payout")),
}


def deadline_action(deadline, case_id: int) -> tuple[str, str]:
    """(url, label) of the page that meets ``deadline``."""
    url_name, label = DEADLINE_ACTIONS.get(deadline.kind, (None, None))
    if url_name:
        return reverse(url_name, args=[case_id]), str(label)
    anchor = "#assets" if deadline.kind in ASSET_DEADLINES else "#actions"
    return reverse("cases:case", args=[case_id]) + anchor, str(_("Open the case"))


ASSET_DEADLINES = frozenset({
    DeadlineKind.VALUATION_CONTRACT, DeadlineKind.AUCTION, DeadlineKind.BUYER_PAYMENT, DeadlineKind.CREDITOR_OFFER,
    DeadlineKind.CREDITOR_ANSWER, DeadlineKind.REDEMPTION,
})
