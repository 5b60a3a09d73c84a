"""Admin for the dialogues: support tooling, read-only and scoped like the pages (dialogues.selectors).
Sessions, agendas and commitments are written through dialogues.services from the dialogue pages."""
from django.contrib import admin

from dialogues.models import AgendaItem, Commitment, Participant, Session, SessionBank
from dialogues.selectors import session_list_for_user
from thads.core.admin import DayFirstMoneyAdminMixin, ReadOnlyInline


class SessionBankInline(ReadOnlyInline):
    model = SessionBank
    fields = ("bank", "representatives")
    readonly_fields = fields


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = ("kind", "user", "name", "position", "organisation")
    readonly_fields = fields


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem
    fields = ("rank", "case", "reasons", "reason_detail", "amount_remaining", "issue_category", "removed",
              "discussion")
    readonly_fields = fields


@admin.register(Session)
class SessionAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    list_display = ("held_on", "organiser", "place", "status")
    list_filter = ("status",)
    search_fields = ("place", "title", "organiser__code", "organiser__name")
    date_hierarchy = "held_on"
    inlines = [SessionBankInline, ParticipantInline, AgendaItemInline]
    readonly_fields = ("organiser", "held_on", "place", "title", "status", "notes", "failed_rounds_threshold",
                       "idle_months", "large_amount", "created_by", "created_at", "held_at", "closed_at")

    def get_queryset(self, request):
        return session_list_for_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Commitment)
class CommitmentAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    list_display = ("due_on", "case", "party", "kind", "status", "session")
    list_filter = ("status", "party", "kind")
    search_fields = ("case__case_no", "text")
    readonly_fields = ("session", "agenda_item", "case", "party", "owner_user", "owner_bank", "owner_unit",
                       "owner_other", "kind", "text", "price", "due_on", "status", "done_on", "done_at", "missed_on",
                       "outcome_note", "idempotency_key", "created_by", "created_at")

    def get_queryset(self, request):
        return Commitment.objects.filter(session__in=session_list_for_user(request.user)).select_related(
            "session", "case")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
