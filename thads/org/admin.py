from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from thads.org.models import OfficerProfile, Unit
from thads.org.selectors import ALL_UNITS, readable_unit_ids


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level", "valid_to")
    search_fields = ("code", "name")
    filter_horizontal = ("predecessors",)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(OfficerProfile)
class OfficerProfileAdmin(admin.ModelAdmin):
    list_display = ("full_name", "user", "unit", "title", "role")
    list_filter = ("role", "title", "unit")
    search_fields = ("full_name", "user__username", "unit__code")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("unit",)

    def get_queryset(self, request):
        profiles = super().get_queryset(request)
        unit_ids = readable_unit_ids(request.user)
        return profiles if unit_ids is ALL_UNITS else profiles.filter(unit_id__in=unit_ids)


class OfficerProfileInline(admin.StackedInline):
    model = OfficerProfile
    can_delete = False
    verbose_name_plural = _("officer profile")
    autocomplete_fields = ("unit",)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [OfficerProfileInline]
    list_display = ("username", "first_name", "last_name", "is_staff", "is_active")
