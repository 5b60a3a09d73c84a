from django.contrib import admin

from banks.models import Bank


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
