"""Admin pages for collateral: a bank's mortgage or pledge over a seized asset (banks.models.Collateral).

Registered through cases.services.assets.collateral_register (the bank must be the creditor of a case the
asset answers for); never edited or deleted here. Scoped like the assets: a person sees the collateral of
the assets they may read (cases.selectors.asset_list_for_user)."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from banks.models import Collateral
from cases.admin_assets import AssetRecordAdmin, link, vnd
from cases.forms_assets import CollateralForm


@admin.register(Collateral)
class CollateralAdmin(AssetRecordAdmin):
    add_form = CollateralForm
    list_display = ("__str__", "asset", "bank", "loan_contract_no", "secured_amount_display", "registered_on")
    list_filter = ("kind", ("bank", admin.RelatedOnlyFieldListFilter))
    search_fields = ("loan_contract_no", "security_contract_no", "asset__description", "asset__parcel_no")
    list_select_related = ("asset", "bank")
    add_fieldsets = (
        (_("Security"), {"fields": ("asset", "bank", "kind", "security_contract_no", "registered_on",
                                    "registration_office")}),
        (_("Loan"), {"fields": ("loan_contract_no", "loan_contract_date", "principal", "contractual_interest",
                                "penalty_interest", "secured_amount")}),
    )
    change_fieldsets = (
        (_("Security"), {"fields": ("asset_link", "bank", "kind", "security_contract_no", "registered_on",
                                    "registration_office")}),
        (_("Loan"), {"fields": ("loan_contract_no", "loan_contract_date", "principal_display",
                                "contractual_interest_display", "penalty_interest_display",
                                "secured_amount_display")}),
        (_("Record"), {"classes": ("collapse",), "fields": ("recorded_by", "recorded_at")}),
    )

    related = ("bank",)

    @admin.display(description=_("Asset"))
    def asset_link(self, collateral):
        return link(collateral.asset)

    @admin.display(description=_("Principal"), ordering="principal")
    def principal_display(self, collateral):
        return vnd(collateral.principal)

    @admin.display(description=_("Contractual interest"))
    def contractual_interest_display(self, collateral):
        return vnd(collateral.contractual_interest)

    @admin.display(description=_("Penalty interest"))
    def penalty_interest_display(self, collateral):
        return vnd(collateral.penalty_interest)

    @admin.display(description=_("Secured amount"), ordering="secured_amount")
    def secured_amount_display(self, collateral):
        return vnd(collateral.secured_amount)
