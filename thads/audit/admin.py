"""The audit trail in the admin: read-only for everybody, superusers included (no add, change or delete),
scoped as the cases are (thads.audit.selectors)."""
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from thads.audit.models import AuditEntry
from thads.audit.selectors import actor_text, audit_entries_for_user, change_lines
from thads.core.admin import DayFirstMoneyAdminMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "actor_display", "source", "action", "object_repr", "case", "changes_display")
    list_filter = ("source", "action", "content_type")
    search_fields = ("object_repr", "actor_name", "case__case_no")
    date_hierarchy = "at"
    show_full_result_count = False
    fields = ("at", "actor_display", "source", "action", "content_type", "object_id", "object_repr", "case", "unit",
              "changes_display", "note")
    readonly_fields = fields
    actions = None

    @admin.display(description=_("by"), ordering="actor_name")
    def actor_display(self, entry):
        return actor_text(entry.actor, entry.actor_name)

    @admin.display(description=_("changes"))
    def changes_display(self, entry):
        lines = change_lines(entry)
        if not lines:
            return "—"
        return format_html("<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>", _("Field"), _("Before"),
                           _("After"), format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                                                        ((line.label, line.old, line.new) for line in lines)))

    def get_queryset(self, request):
        return audit_entries_for_user(request.user).select_related("actor__officer_profile", "unit")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
