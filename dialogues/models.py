"""Dialogues with the banks (đối thoại): sessions, their agenda of stuck cases, the minutes and the
commitments each side makes, followed up until done or missed (domain.md §5, docs/domain-rules.md).

Rows are written only by dialogues.services; reads and scoping live in dialogues.selectors.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CLOSED = "closed", _("Closed (minutes signed)")


class Session(models.Model):
    """One dialogue: a unit (usually the provincial agency) meets one or more banks on a date, case by case."""

    organiser = models.ForeignKey("org.Unit", verbose_name=_("organising unit"), on_delete=models.PROTECT,
                                  related_name="dialogue_sessions")
    held_on = models.DateField(_("date of the dialogue"))
    place = models.CharField(_("place"), max_length=255)
    title = models.CharField(_("title"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=SessionStatus.choices,
                              default=SessionStatus.PLANNED)
    notes = models.TextField(_("notes / conclusions"), blank=True)
    # What makes a case "stuck" for this session's agenda (dialogues.agenda); data, not constants.
    failed_rounds_threshold = models.PositiveSmallIntegerField(
        _("failed auction rounds that make a case stuck"), default=3)
    idle_months = models.PositiveSmallIntegerField(_("months without any step that make a case stuck"), default=6)
    large_amount = models.BigIntegerField(_("remaining amount counted as large (VND)"), default=1_000_000_000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    held_at = models.DateTimeField(_("recorded as held at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dialogue session")
        verbose_name_plural = _("dialogue sessions")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(failed_rounds_threshold__gte=1) & Q(idle_months__gte=1)
                                   & Q(large_amount__gt=0), name="dialogue_session_thresholds_valid"),
            models.CheckConstraint(condition=~Q(status=SessionStatus.CLOSED) | Q(closed_at__isnull=False),
                                   name="dialogue_session_closed_at_iff_closed"),
        ]
        indexes = [models.Index(fields=["organiser", "held_on"], name="dialogue_session_unit_date")]

    def __str__(self) -> str:
        return self.title or _("Dialogue of %(date)s") % {"date": self.held_on.strftime("%d/%m/%Y")}


class SessionBank(models.Model):
    """A bank (or branch) taking part, with who represents it."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="banks")
    bank = models.ForeignKey("banks.Bank", verbose_name=_("bank"), on_delete=models.PROTECT,
                             related_name="dialogue_sessions")
    representatives = models.TextField(_("representatives (names and positions)"), blank=True)

    class Meta:
        verbose_name = _("bank taking part")
        verbose_name_plural = _("banks taking part")
        ordering = ["session_id", "bank__code"]
        constraints = [models.UniqueConstraint(fields=["session", "bank"], name="dialogue_session_bank_unique")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.bank_id}"


class ParticipantKind(models.TextChoices):
    AGENCY = "agency", _("Enforcement agency")
    STATE_BANK = "state_bank", _("State Bank branch")
    OTHER = "other", _("Other body (procuracy, provincial council, local government…)")


class Participant(models.Model):
    """Someone attending: a person of the agency (with their account, e.g. the officer holding a file on the
    agenda), or a representative of the State Bank branch or another body (by name)."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE,
                                related_name="participants")
    kind = models.CharField(_("kind"), max_length=16, choices=ParticipantKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="dialogue_participations")
    name = models.CharField(_("name"), max_length=255, blank=True)
    position = models.CharField(_("position"), max_length=255, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["session_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="dialogue_participant_named"),
            models.UniqueConstraint(fields=["session", "user"], condition=Q(user__isnull=False),
                                    name="dialogue_participant_user_once"),
        ]

    def __str__(self) -> str:
        return self.name or str(self.user)


class Reason(models.TextChoices):
    """Why the data shows a case as stuck (dialogues.agenda)."""

    FAILED_ROUNDS = "failed_rounds", _("Seized asset unsold after many auction rounds")
    OFFER_DECLINED = "offer_declined", _("The bank declined to take the asset")
    OFFER_UNANSWERED = "offer_unanswered", _("The bank has not answered the offer of the asset")
    FLOOR_REACHED = "floor_reached", _("The price reached the floor; the asset went back to the debtor")
    IDLE = "idle", _("No step for months")
    VALUATION_PENDING = "valuation_pending", _("Valuation or re-valuation pending")
    INTEREST = "interest", _("Late-payment interest still accruing")
    LARGE_AMOUNT = "large_amount", _("Large remaining amount")
    ADDED = "added", _("Added by the organiser")


class IssueCategory(models.TextChoices):
    UNSOLD_ASSET = "unsold_asset", _("Collateral unsold after repeated price reductions")
    BANK_DECLINES_ASSET = "bank_declines_asset", _("Bank unwilling to take the asset against the debt")
    INTEREST_WAIVER = "interest_waiver", _("Overdue interest not waived or reduced")
    FILE_MISMATCH = "file_mismatch", _("Asset does not match the mortgage file or the judgment")
    OBSTRUCTION = "obstruction", _("Debtor obstructs or stages disputes")
    VALUATION = "valuation", _("Valuation and auction control")
    LONG_RUNNING = "long_running", _("Enforcement dragging on for years")
    OTHER = "other", _("Other")


class AgendaItem(models.Model):
    """One case discussed at a session: why it is there, its rank by money, the issue and what was said."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE,
                                related_name="agenda_items")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="dialogue_items")
    reasons = models.JSONField(_("reasons (codes)"), default=list, blank=True)
    reason_detail = models.TextField(_("reasons in detail"), blank=True)
    rank = models.PositiveIntegerField(_("rank"))
    amount_remaining = models.BigIntegerField(_("remaining on the eve of the session (VND)"))
    issue_category = models.CharField(_("issue"), max_length=32, choices=IssueCategory.choices, blank=True)
    added_by_organiser = models.BooleanField(_("added by the organiser"), default=False)
    removed = models.BooleanField(_("removed from the agenda"), default=False)
    removed_reason = models.CharField(_("why it was removed"), max_length=500, blank=True)
    discussion = models.TextField(_("what was discussed"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session_id", "removed", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "case"], name="dialogue_agenda_case_once"),
            models.CheckConstraint(condition=Q(amount_remaining__gte=0), name="dialogue_agenda_amount_valid"),
            models.CheckConstraint(condition=Q(removed=False) | ~Q(removed_reason=""),
                                   name="dialogue_agenda_removed_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} #{self.rank} {self.case_id}"


class CommitmentParty(models.TextChoices):
    BANK = "bank", _("Bank")
    UNIT = "unit", _("Enforcement unit")
    OFFICER = "officer", _("Enforcement officer")
    OTHER = "other", _("Other body")


class CommitmentKind(models.TextChoices):
    ACCEPT_ASSET = "accept_asset", _("Bank takes the asset at a stated price")
    WAIVE_INTEREST = "waive_interest", _("Bank waives or reduces overdue interest")
    SUPPLY_DOCUMENTS = "supply_documents", _("Bank supplies documents")
    NEW_VALUATION = "new_valuation", _("Agree a new valuation")
    SETTLEMENT_SCHEDULE = "settlement_schedule", _("Agree a settlement schedule")
    REVALUE = "revalue", _("Agency has the asset re-valued")
    REAUCTION = "reauction", _("Agency puts the asset up for auction again")
    COERCE = "coerce", _("Agency organises coercion")
    ASK_LOCAL_GOVERNMENT = "ask_local_government", _("Ask the local government for support")
    OTHER = "other", _("Other")


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", pgettext_lazy("commitment status", "Done")
    MISSED = "missed", _("Missed")


class Commitment(models.Model):
    """What one side commits to for one case on the agenda, with an owner, a due date (a working day) and a
    status. A bank marks its own commitments done through the API with an idempotency key."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE,
                                related_name="commitments")
    agenda_item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE,
                                    related_name="commitments")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="dialogue_commitments")
    party = models.CharField(_("who commits"), max_length=16, choices=CommitmentParty.choices)
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible officer"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="dialogue_commitments")
    owner_bank = models.ForeignKey("banks.Bank", verbose_name=_("responsible bank"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="dialogue_commitments")
    owner_unit = models.ForeignKey("org.Unit", verbose_name=_("responsible unit"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="dialogue_commitments")
    owner_other = models.CharField(_("responsible body"), max_length=255, blank=True)
    kind = models.CharField(_("kind of commitment"), max_length=32, choices=CommitmentKind.choices)
    text = models.TextField(_("commitment"))
    price = models.BigIntegerField(_("price (VND)"), null=True, blank=True)
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=16, choices=CommitmentStatus.choices,
                              default=CommitmentStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_at = models.DateTimeField(_("recorded done at"), null=True, blank=True)
    missed_on = models.DateField(_("recorded missed on"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    idempotency_key = models.CharField(_("idempotency key of the bank's mark"), max_length=128, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(party=CommitmentParty.BANK, owner_bank__isnull=False)
                           | Q(party=CommitmentParty.OFFICER, owner_user__isnull=False)
                           | Q(party=CommitmentParty.UNIT, owner_unit__isnull=False)
                           | (Q(party=CommitmentParty.OTHER) & ~Q(owner_other=""))),
                name="dialogue_commitment_owner_matches_party"),
            models.CheckConstraint(
                condition=(Q(status=CommitmentStatus.DONE, done_on__isnull=False)
                           | (~Q(status=CommitmentStatus.DONE) & Q(done_on__isnull=True))),
                name="dialogue_commitment_done_on_iff_done"),
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gt=0),
                                   name="dialogue_commitment_price_positive"),
            models.UniqueConstraint(fields=["owner_bank", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="dialogue_commitment_bank_key_once"),
        ]
        indexes = [
            models.Index(fields=["owner_user", "status", "due_on"], name="dialogue_commitment_officer"),
            models.Index(fields=["case", "status"], name="dialogue_commitment_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.due_on:%d/%m/%Y})"
