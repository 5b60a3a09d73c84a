"""The bank API's dialogues (đối thoại, issue 11): the sessions the bank takes part in with the agenda items of
its own cases (readable before the session, so the bank can prepare), the commitments it may read, and marking
one of its own commitments done with an idempotency key.

Scoping is dialogues.selectors' (sessions_for_bank, agenda_for_bank, commitments_for_bank, commitment_of_bank):
another bank's session or commitment is answered exactly like one that does not exist (404). The only write goes
through dialogues.services.commitment_complete_by_bank."""
import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from banks.api.serializers import ApiErrorSerializer, OptionalChoiceField
from banks.api.views import ERRORS, IF_NONE_MATCH, NOT_MODIFIED, PAGE_SIZE, BankApiView
from banks.models import ApiScope
from dialogues.models import (
    Commitment,
    CommitmentKind,
    CommitmentParty,
    CommitmentStatus,
    IssueCategory,
    Reason,
    Session,
    SessionStatus,
)
from dialogues.selectors import (
    agenda_for_bank,
    commitments_for_bank,
    is_overdue,
    session_summaries_for_bank,
)
from dialogues.services import commitment_complete_by_bank
from thads.api.exceptions import ApiError, InvalidParameter
from thads.api.fields import StrictBodySerializer, StrictCharField
from thads.api.pagination import MAX_ID, NewestFirstCursorPagination
from thads.core.errors import DomainError

IDEMPOTENCY_HEADER = "Idempotency-Key"


def _found(raw_id: int) -> bool:
    """A path id the database can hold (a bigger one is simply not found, never a 5xx)."""
    return 0 < raw_id <= MAX_ID


# ---- serializers ---------------------------------------------------------------------------------------------

class BankDialogueSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Stable id of the session.")
    title = serializers.CharField(allow_blank=True, help_text="Title of the session; may be empty.")
    held_on = serializers.DateField(help_text="Date of the dialogue.")
    place = serializers.CharField(help_text="Where it is held.")
    organiser = serializers.CharField(source="organiser.code", help_text="Code of the organising unit.")
    organiser_name = serializers.CharField(source="organiser.name", help_text="Name of the organising unit.")
    status = serializers.ChoiceField(choices=SessionStatus.choices, help_text="Status of the session.")
    representatives = serializers.CharField(source="bank_representatives", allow_blank=True,
                                            help_text="Your bank's representatives (names and positions).")
    agenda_items = serializers.IntegerField(source="bank_agenda_items",
                                            help_text="How many of your bank's cases are on its agenda.")


class BankAgendaItemSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="Rank on the session's agenda (by money), from 1.")
    case_no = serializers.CharField(source="case.case_no", help_text="The case number (số hồ sơ).")
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=Reason.choices),
                                    help_text="Why the data shows the case as stuck.")
    reason_detail = serializers.CharField(allow_blank=True, help_text="The reasons in words; may be empty.")
    issue_category = OptionalChoiceField(choices=IssueCategory.choices,
                                         help_text="The issue to discuss; null until the organiser sets it.")
    amount_remaining = serializers.IntegerField(help_text="Remaining on the eve of the session (VND).")
    discussion = serializers.CharField(allow_blank=True, help_text="What was discussed (the minutes); empty before.")


class BankDialogueDetailSerializer(BankDialogueSerializer):
    agenda = BankAgendaItemSerializer(many=True, help_text="The agenda items of your bank's own cases, by rank.")


class BankCommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Stable id of the commitment.")
    session = serializers.IntegerField(source="session_id", help_text="Id of the session it was made at.")
    case_no = serializers.CharField(source="case.case_no", help_text="The case number (số hồ sơ).")
    party = serializers.ChoiceField(choices=CommitmentParty.choices, help_text="Who commits.")
    owner = serializers.SerializerMethodField()
    owed_by_you = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=CommitmentKind.choices, help_text="Kind of commitment.")
    text = serializers.CharField(help_text="What is committed.")
    price = serializers.IntegerField(allow_null=True, help_text="Price the bank takes the asset at (VND), or null.")
    due_on = serializers.DateField(help_text="Due date (a working day).")
    status = serializers.ChoiceField(choices=CommitmentStatus.choices, help_text="Status of the commitment.")
    overdue = serializers.SerializerMethodField()
    done_on = serializers.DateField(allow_null=True, help_text="When it was done; null unless done.")
    missed_on = serializers.DateField(allow_null=True, help_text="When it was recorded as missed; null otherwise.")

    def get_owner(self, commitment) -> str:
        """Who owes it: the bank's, unit's or officer's name, or the other body."""
        if commitment.party == CommitmentParty.BANK:
            return commitment.owner_bank.name
        if commitment.party == CommitmentParty.UNIT:
            return commitment.owner_unit.name
        if commitment.party == CommitmentParty.OFFICER:
            profile = getattr(commitment.owner_user, "officer_profile", None)
            return profile.full_name if profile is not None else commitment.owner_user.get_username()
        return commitment.owner_other

    def get_owed_by_you(self, commitment) -> bool:
        """Whether your bank owes it (only those can be marked done)."""
        return commitment.party == CommitmentParty.BANK and commitment.owner_bank_id == self.context["bank_id"]

    def get_overdue(self, commitment) -> bool:
        """Open and its due date has passed (the due date itself is still in time)."""
        return is_overdue(commitment, today=self.context["today"])


class BankCommitmentDoneSerializer(StrictBodySerializer):
    done_on = serializers.DateField(required=False, allow_null=True, input_formats=["%Y-%m-%d"],
                                    help_text="When it was done (YYYY-MM-DD), between the session and today; "
                                              "default today.")
    note = StrictCharField(required=False, allow_blank=True, max_length=1000,
                           help_text="What was done (e.g. the number of the letter that sent the documents).")


def _context(request) -> dict:
    return {"bank_id": request.user.bank.pk, "today": timezone.localdate()}


# ---- filters -------------------------------------------------------------------------------------------------

class _IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    field_class = _IdField


class BankCommitmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CommitmentStatus.choices,
                                         help_text=gettext_lazy("Status of the commitment."))
    session = IdFilter(field_name="session_id", help_text=gettext_lazy("Id of a session."))

    class Meta:
        model = Commitment
        fields = []


# ---- views ---------------------------------------------------------------------------------------------------

class BankDialogueListView(BankApiView, generics.ListAPIView):
    required_scope = ApiScope.CASES_READ
    serializer_class = BankDialogueSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Session.objects.none()
        return session_summaries_for_bank(self.request.user.bank)

    @extend_schema(operation_id="dialogues_list", summary="The dialogue sessions the bank takes part in",
                   responses={200: BankDialogueSerializer(many=True), 304: NOT_MODIFIED,
                              400: OpenApiResponse(ApiErrorSerializer, description="The cursor or page_size is "
                                                   "invalid."), **ERRORS},
                   parameters=[PAGE_SIZE, IF_NONE_MATCH])
    def get(self, request, *args, **kwargs):
        """The sessions your bank takes part in, whatever their status, newest recorded first: date, place,
        organiser, status, your representatives and how many of your cases are on the agenda."""
        return super().get(request, *args, **kwargs)


class BankDialogueDetailView(BankApiView):
    required_scope = ApiScope.CASES_READ

    @extend_schema(operation_id="dialogues_retrieve", summary="One dialogue session with the agenda of your cases",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The session's id."),
                               IF_NONE_MATCH],
                   responses={200: BankDialogueDetailSerializer, 304: NOT_MODIFIED,
                              404: OpenApiResponse(ApiErrorSerializer,
                                                   description="Not a session your bank takes part in."),
                              **ERRORS})
    def get(self, request, id: int):  # noqa: A002 — the path parameter's name
        """One session your bank takes part in, with the agenda items of your own cases (case number, reasons,
        issue, rank): readable as soon as the session is planned, so the bank can prepare."""
        bank = request.user.bank
        session = session_summaries_for_bank(bank).filter(pk=id).first() if _found(id) else None
        if session is None:
            raise exceptions.NotFound(_("No such dialogue."))
        session.agenda = agenda_for_bank(bank, session)
        return Response(BankDialogueDetailSerializer(session).data)


class BankCommitmentListView(BankApiView, generics.ListAPIView):
    required_scope = ApiScope.CASES_READ
    serializer_class = BankCommitmentSerializer
    pagination_class = NewestFirstCursorPagination
    filterset_class = BankCommitmentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Commitment.objects.none()
        return commitments_for_bank(self.request.user.bank).select_related("owner_unit",
                                                                           "owner_user__officer_profile")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context.update(_context(self.request))
        return context

    @extend_schema(operation_id="commitments_list", summary="The dialogue commitments the bank may read",
                   responses={200: BankCommitmentSerializer(many=True), 304: NOT_MODIFIED,
                              400: OpenApiResponse(ApiErrorSerializer,
                                                   description="A filter, the cursor or page_size is invalid."),
                              **ERRORS},
                   parameters=[PAGE_SIZE, IF_NONE_MATCH])
    def get(self, request, *args, **kwargs):
        """The commitments made at your bank's dialogues on your own cases (whoever owes them), and those your
        bank owes, newest recorded first; each with its case number, party, kind, due date, status and
        whether it is overdue."""
        return super().get(request, *args, **kwargs)


class BankCommitmentDoneView(BankApiView):
    required_scope = ApiScope.DIALOGUES_WRITE
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="commitments_done", summary="Mark one of your bank's commitments done",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The commitment's id."),
                    OpenApiParameter(IDEMPOTENCY_HEADER, {"type": "string", "minLength": 1, "maxLength": 128,
                                                          "pattern": "^[!-~]{1,128}$"},
                                     OpenApiParameter.HEADER, required=True,
                                     description="1–128 characters of your choosing (a UUID, say), unique per "
                                                 "mark: repeating the request with the same key answers the same, "
                                                 "writing nothing more.")],
        request=BankCommitmentDoneSerializer,
        responses={
            200: OpenApiResponse(BankCommitmentSerializer, description="Marked done (or the replay of a mark "
                                 "made with this key: then Idempotent-Replayed: true)."),
            400: OpenApiResponse(ApiErrorSerializer, description="No or a bad Idempotency-Key, a bad body or a "
                                 "done_on outside the session's date and today."),
            404: OpenApiResponse(ApiErrorSerializer, description="Not a commitment your bank owes."),
            409: OpenApiResponse(ApiErrorSerializer, description="The commitment is no longer open, or its session "
                                 "has not been held."),
            415: OpenApiResponse(ApiErrorSerializer, description="The body is not JSON."),
            422: OpenApiResponse(ApiErrorSerializer, description="The Idempotency-Key was used for another "
                                 "commitment."),
            **ERRORS})
    def post(self, request, id: int):  # noqa: A002 — the path parameter's name
        """Mark a commitment your bank owes (party bank, owed by your bank) as done, once. The Idempotency-Key
        header is required; a repeat with the same key answers 200 with the commitment as that mark left it,
        whatever its body."""
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not 0 < len(key) <= 128:
            raise InvalidParameter(IDEMPOTENCY_HEADER, _("send a key of 1 to 128 characters, unique per mark."),
                                   code="invalid_idempotency_key")
        body = BankCommitmentDoneSerializer(data=request.data)  # no body: {}; a JSON null or a list: 400
        body.is_valid(raise_exception=True)
        if not _found(id):
            raise exceptions.NotFound(_("No such commitment."))
        try:
            commitment, created = commitment_complete_by_bank(
                bank=request.user.bank, commitment_id=id, key=key, done_on=body.validated_data.get("done_on"),
                note=body.validated_data.get("note", ""))
        except Commitment.DoesNotExist:
            raise exceptions.NotFound(_("No such commitment.")) from None
        except DomainError as error:
            raise _refusal(error) from None
        commitment = commitments_for_bank(request.user.bank).select_related(
            "owner_unit", "owner_user__officer_profile").get(pk=commitment.pk)
        response = Response(BankCommitmentSerializer(commitment, context=_context(request)).data)
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response


def _refusal(error: DomainError) -> exceptions.APIException:
    """The service's refusal as the API answers it (docs/api.md «Dialogues»)."""
    if error.code == "key_reused":
        return ApiError(422, "idempotency_key_reused", error.message, IDEMPOTENCY_HEADER)
    if error.code in ("not_open", "wrong_status"):
        return ApiError(409, error.code, error.message)
    field = IDEMPOTENCY_HEADER if error.field == "idempotency_key" else error.field
    return ApiError(400, error.code if error.code != "invalid" else "invalid_request", error.message, field)
