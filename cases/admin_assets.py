"""Admin pages for assets and what happens to them: seizures, valuations, auctions and their rounds, the offer
to the creditor, enforcement costs and the distribution of proceeds (collateral: banks.admin_collateral).

Every write goes through cases.services.assets: the add pages use the forms of cases.forms_assets (the
service runs when the form is validated, and a refusal comes back as a form error with nothing written), and
the steps on existing records (a buyer's payment, the offer to the creditor, a release…) are small pages at
``<object>/<step>/`` (see AssetRecordAdmin.action_forms). Records are never edited or deleted here: their
change pages are read-only, with the history of the asset laid out and links to the next steps.

Which rows a person sees is decided by cases.selectors (asset_list_for_user, case_list_for_user); whether they
may record a step for an asset, by asset_is_writable_by — and the services check it again.

Model permissions: thads.org.services.ROLE_PERMISSIONS names no asset permission yet, so these pages follow
the case permissions until it does: whoever may view cases may view assets, whoever may record case events
may record asset steps (an explicit ``cases.view_asset`` / ``cases.add_asset``… permission works too).
"""
from operator import attrgetter

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from banks.models import Collateral
from cases.codes import RoundOutcome, SeizureStatus
from cases.forms_assets import (
    AssetCaseLinkForm,
    AssetCollectionForm,
    AssetForm,
    AuctionForm,
    AuctionRoundForm,
    CreditorOfferAnswerForm,
    CreditorOfferMakeForm,
    EnforcementCostForm,
    HandoverForm,
    RedeemForm,
    ReturnToDebtorForm,
    SaleDefaultForm,
    SalePaidForm,
    SeizureForm,
    SeizureReleaseForm,
    ValuationForm,
    ValuationNotifyForm,
)
from cases.models import (
    Asset,
    Auction,
    AuctionRound,
    CreditorOffer,
    Distribution,
    DistributionShare,
    EnforcementCost,
    Seizure,
    Valuation,
)
from cases.selectors import (
    asset_is_writable_by,
    asset_links,
    asset_list_for_user,
    auction_state,
    case_list_for_user,
    effective_valuation,
)
from cases.services.assets import auction_plan, reductions_exhausted
from thads.core.admin import DayFirstMoneyAdminMixin, use_admin_date_inputs
from thads.core.money import format_vnd

# ---- permissions ------------------------------------------------------------------------------------------------


def _model_perm(user, action: str, opts) -> bool:
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def may_read_assets(user, opts=None) -> bool:
    """Whether ``user``'s role reads asset records at all (which ones: the selectors)."""
    return (opts is not None and _model_perm(user, "view", opts)) or user.has_perm("cases.view_case")


def may_record_asset_steps(user, opts=None) -> bool:
    """Whether ``user``'s role records asset steps at all (for which assets: asset_is_writable_by)."""
    return (opts is not None and _model_perm(user, "add", opts)) or user.has_perm("cases.add_caseevent")


def asset_writable(request, asset: Asset) -> bool:
    """asset_is_writable_by for this request's user, asked once per asset and request."""
    cache = request.__dict__.setdefault("_thads_asset_writable", {})
    if asset.pk not in cache:
        cache[asset.pk] = (may_record_asset_steps(request.user)
                           and asset_is_writable_by(request.user, asset))
    return cache[asset.pk]


def readable_assets(request):
    return asset_list_for_user(request.user).values("pk")


# ---- display helpers --------------------------------------------------------------------------------------------

def day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def vnd(amount) -> str:
    return format_vnd(amount) if amount is not None else "—"


def yes_or_dash(flag: bool) -> str:
    return gettext("Yes") if flag else "—"


def admin_url(obj, view: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def add_url(model, **initial) -> str:
    opts = model._meta
    query = "&".join(f"{key}={value}" for key, value in initial.items())
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_add") + (f"?{query}" if query else "")


def link(obj, text=None, view: str = "change"):
    if obj is None:
        return "—"
    return format_html('<a href="{}">{}</a>', admin_url(obj, view), obj if text is None else text)


def step_links(steps):
    """Links to the next steps, as buttons: ``steps`` is [(url, label)]."""
    if not steps:
        return gettext("No step can be recorded now.")
    return format_html_join(" ", '<a class="button" href="{}">{}</a>', steps)


def html_table(headers, rows, *, empty=None, css_id: str = ""):
    if not rows:
        return empty if empty is not None else gettext("None recorded.")
    head = format_html_join("", "<th>{}</th>", ((header,) for header in headers))
    body = format_html_join("", "<tr>{}</tr>", (
        (format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows))
    return format_html('<table{}><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
                       format_html(' id="{}"', css_id) if css_id else "", head, body)


def reduction_text(auction_round: AuctionRound) -> str:
    if not auction_round.reduction:
        return "—"
    return f"{format_vnd(auction_round.reduction)} ({number_format(auction_round.reduction_percent, 2)}%)"


def payment_text(auction_round: AuctionRound) -> str:
    if auction_round.outcome == RoundOutcome.SOLD and auction_round.paid_on:
        return gettext("Paid on %(date)s") % {"date": day(auction_round.paid_on)}
    if auction_round.defaulted_on:
        return gettext("Defaulted on %(date)s") % {"date": day(auction_round.defaulted_on)}
    if auction_round.payment_due_on:
        return gettext("Due by %(date)s") % {"date": day(auction_round.payment_due_on)}
    return "—"


def pending_sale(auction: Auction) -> AuctionRound | None:
    last = auction.rounds.order_by("-number").first()
    if last is not None and last.outcome == RoundOutcome.SOLD and last.paid_on is None and not auction.closed_as:
        return last
    return None


# ---- the base of every page here --------------------------------------------------------------------------------

class AssetRecordAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    """Scoped, append-only admin for one kind of asset record.

    ``add_form``: the service form of the add page (None: no add page). ``change_fieldsets``: the read-only
    change page; a fieldset field named ``steps_display`` appears only to people who may record steps for the
    record's asset. ``action_forms``: the steps on an existing record, by URL slug (``<pk>/<slug>/``)."""

    add_form = None
    add_fieldsets = None
    change_fieldsets: tuple = ()
    action_forms: dict = {}
    show_full_result_count = False
    list_per_page = 50
    # The path from a record to its asset ("asset", "seizure__asset", …): the scope and the permission
    # checks follow it. ``related``: what else the lists and pages read with the record.
    asset_path = "asset"
    related: tuple = ()

    # -- what the subclasses say about their records
    def asset_of(self, obj) -> Asset:
        return attrgetter(self.asset_path.replace("__", "."))(obj)

    def get_queryset(self, request):
        """The records of the assets ``request.user`` may read."""
        return super().get_queryset(request).filter(**{f"{self.asset_path}__in": readable_assets(request)}
                                                    ).select_related(self.asset_path, *self.related)

    def after_url(self, obj) -> str:
        """Where the officer goes after adding ``obj`` or recording a step on it."""
        return admin_url(self.asset_of(obj))

    def action_summary(self, obj) -> list[tuple[str, str]]:
        """What the step pages show about ``obj`` above the form."""
        return []

    # -- permissions: model level from the role, row level from the selectors
    def has_view_permission(self, request, obj=None):
        return may_read_assets(request.user, self.opts)

    def has_add_permission(self, request):
        return self.add_form is not None and may_record_asset_steps(request.user, self.opts)

    def has_change_permission(self, request, obj=None):
        return False  # records change only through the steps (services); the change page is read-only

    def has_delete_permission(self, request, obj=None):
        return False  # the history of an asset is the record

    # -- the add page: a service form bound to the user; the row is the one the service wrote
    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets or [(None, {"fields": list(self.add_form.base_fields)})]
        shows_steps = any("steps_display" in options["fields"] for _name, options in self.change_fieldsets)
        writable = shows_steps and asset_writable(request, self.asset_of(obj))
        return [(name, {**options, "fields": tuple(field for field in options["fields"]
                                                   if writable or field != "steps_display")})
                for name, options in self.change_fieldsets]

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else flatten_fieldsets(self.get_fieldsets(request, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            user, base = request.user, self.add_form

            class UserBoundForm(base):
                def __init__(self, *args, **inner):
                    super().__init__(*args, user=user, **inner)

            UserBoundForm.__name__ = base.__name__
            kwargs["form"] = UserBoundForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        created = form.result  # written by the service in form.clean()
        obj.__dict__.update({key: value for key, value in created.__dict__.items() if key != "_state"})
        obj._state.adding, obj._state.db = False, created._state.db

    def save_related(self, request, form, formsets, change):
        pass  # the service wrote everything (an asset's cases included)

    def response_add(self, request, obj, post_url_continue=None):
        if IS_POPUP_VAR in request.POST or "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, gettext("Recorded: %(object)s") % {"object": obj}, messages.SUCCESS)
        return HttpResponseRedirect(self.after_url(obj))

    # -- steps on existing records
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        steps = [path(f"<path:object_id>/{slug}/", self.admin_site.admin_view(self._step_view(slug)),
                      name=f"{info[0]}_{info[1]}_{slug}") for slug in self.action_forms]
        return steps + super().get_urls()

    def _step_view(self, slug):
        def view(request, object_id):
            return self.action_view(request, object_id, slug)

        view.__name__ = f"{self.opts.model_name}_{slug}_view"
        return view

    def action_view(self, request, object_id, slug):
        """A small page for one step: the form, the service called on submit, the refusal shown on the form."""
        form_class = self.action_forms[slug]
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not asset_writable(request, self.asset_of(obj)):
            raise PermissionDenied
        form = use_admin_date_inputs(
            form_class(request.POST if request.method == "POST" else None, obj=obj, user=request.user))
        if request.method == "POST" and form.is_valid():
            self.log_change(request, obj, str(form.title))
            self.message_user(request, gettext("%(step)s: recorded.") % {"step": form.title}, messages.SUCCESS)
            return HttpResponseRedirect(self.after_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "title": form.title, "subtitle": str(obj), "form": form, "object": obj, "object_url": admin_url(obj),
            "opts": self.opts, "app_label": self.opts.app_label, "media": self.media + form.media,
            "summary": self.action_summary(obj),
        }
        return TemplateResponse(request, "cases/admin/action_form.html", context)

    def step_url(self, obj, slug: str) -> str:
        return admin_url(obj, slug)


# ---- assets -----------------------------------------------------------------------------------------------------

@admin.register(Asset)
class AssetAdmin(AssetRecordAdmin):
    add_form = AssetForm
    action_forms = {"collect": AssetCollectionForm, "link": AssetCaseLinkForm}
    list_display = ("__str__", "kind", "owner_name", "unit_code", "case_numbers")
    list_filter = ("kind", "land_type", "owner_kind")
    search_fields = ("description", "owner_name", "parcel_no", "certificate_no", "plate_no", "account_no",
                     "cases__case_no")
    add_fieldsets = (
        (_("Asset"), {"fields": ("kind", "description", "owner_kind", "owner_name", "location")}),
        (_("Land use right"), {"fields": ("parcel_no", "map_sheet_no", "area_m2", "land_type", "certificate_no")}),
        (_("Vehicle, account, shares"), {"fields": ("plate_no", "account_no", "share_count")}),
        (_("Cases"), {"fields": ("cases",)}),
    )
    change_fieldsets = (
        (_("Asset"), {"fields": ("kind", "description", "owner_kind", "owner_name", "location", "unit")}),
        (_("Identification"), {"fields": ("parcel_no", "map_sheet_no", "area_m2", "land_type", "certificate_no",
                                          "plate_no", "account_no", "share_count")}),
        (_("Cases it answers for"), {"fields": ("cases_display",)}),
        (_("Seizures and valuations"), {"fields": ("seizures_display",)}),
        (_("Auction"), {"fields": ("auctions_display",)}),
        (_("Collateral"), {"fields": ("collateral_display",)}),
        (_("Enforcement costs"), {"fields": ("costs_display",)}),
        (_("Distributions of proceeds"), {"fields": ("distributions_display",)}),
        (_("Next steps"), {"fields": ("steps_display",)}),
        (_("Record"), {"classes": ("collapse",), "fields": ("created_at", "created_by")}),
    )

    def asset_of(self, obj):
        return obj

    def get_queryset(self, request):
        return asset_list_for_user(request.user).prefetch_related("cases")

    @admin.display(description=_("Unit"), ordering="unit__code")
    def unit_code(self, asset):
        return asset.unit.code

    @admin.display(description=_("Cases"))
    def case_numbers(self, asset):
        return ", ".join(case.case_no for case in asset.cases.all())

    @admin.display(description=_("Cases it answers for"))
    def cases_display(self, asset):
        rows = [(link(item.case), item.get_rank_display(), vnd(item.case.amount_remaining), vnd(item.interest_due),
                 item.case.get_status_display()) for item in asset_links(asset)]
        return html_table([_("Case"), _("Rank"), _("Remaining"), _("Of which late-payment interest"), _("Status")],
                          rows)

    @admin.display(description=_("Seizures and valuations"))
    def seizures_display(self, asset):
        rows = []
        for seizure in asset.seizures.select_related("case").prefetch_related("valuations"):
            effective = effective_valuation(seizure)
            valuations = format_html_join(
                mark_safe("<br>"), "{}: {}{}",
                ((link(valuation, valuation), vnd(valuation.value),
                  gettext(" (starting price)") if valuation == effective else "")
                 for valuation in seizure.valuations.all())) or "—"
            rows.append((link(seizure), seizure.case.case_no, seizure.get_status_display(),
                         day(seizure.released_on), valuations))
        return html_table([_("Seizure"), _("Case"), _("Status"), _("Released on"), _("Valuations")], rows)

    @admin.display(description=_("Auction"))
    def auctions_display(self, asset):
        rows = [(link(auction), auction.organisation, day(auction.contract_signed_on),
                 auction.get_closed_as_display() or gettext("Open"), day(auction.closed_on))
                for auction in Auction.objects.filter(seizure__asset=asset).order_by("contract_signed_on", "id")]
        return html_table([_("Auction"), _("Organisation"), _("Contract date"), _("State"), _("Closed on")], rows)

    @admin.display(description=_("Collateral"))
    def collateral_display(self, asset):
        rows = [(link(item, item.loan_contract_no), item.bank.name, item.get_kind_display(),
                 vnd(item.secured_amount), day(item.registered_on))
                for item in asset.collateral.select_related("bank")]
        return html_table([_("Loan contract"), _("Bank"), _("Security"), _("Secured amount"), _("Registered on")],
                          rows)

    @admin.display(description=_("Enforcement costs"))
    def costs_display(self, asset):
        rows = [(link(cost, cost.get_kind_display()), cost.case.case_no, day(cost.incurred_on), vnd(cost.amount),
                 vnd(cost.recovered)) for cost in asset.costs.select_related("case").order_by("incurred_on", "id")]
        return html_table([_("Cost"), _("Case"), _("Date"), _("Amount"), _("Recovered")], rows)

    @admin.display(description=_("Distributions of proceeds"))
    def distributions_display(self, asset):
        rows = [(link(item, item.get_source_display()), day(item.received_on), vnd(item.proceeds),
                 vnd(item.costs_paid), vnd(item.surplus_to_debtor))
                for item in asset.distributions.order_by("received_on", "id")]
        return html_table([_("Source"), _("Received on"), _("Proceeds"), _("Costs paid"), _("Surplus to the debtor")],
                          rows)

    @admin.display(description=_("Next steps"))
    def steps_display(self, asset):
        steps = []
        seizure = asset.seizures.filter(status=SeizureStatus.IN_FORCE).first()
        if seizure is None:
            steps.append((add_url(Seizure, asset=asset.pk), gettext("Record a seizure")))
        else:
            if effective_valuation(seizure) is None:
                steps.append((add_url(Valuation, seizure=seizure.pk), gettext("Record the valuation")))
            elif not Auction.objects.filter(seizure=seizure).exists():
                steps.append((add_url(Auction, seizure=seizure.pk), gettext("Contract the auction")))
        steps.append((add_url(Collateral, asset=asset.pk), gettext("Register collateral")))
        steps.append((add_url(EnforcementCost, asset=asset.pk), gettext("Record an enforcement cost")))
        steps.append((self.step_url(asset, "collect"), AssetCollectionForm.title))
        steps.append((self.step_url(asset, "link"), AssetCaseLinkForm.title))
        return step_links(steps)


# ---- seizures and valuations ------------------------------------------------------------------------------------

@admin.register(Seizure)
class SeizureAdmin(AssetRecordAdmin):
    add_form = SeizureForm
    action_forms = {"release": SeizureReleaseForm}
    list_display = ("__str__", "asset", "case", "seized_on", "status", "released_on")
    list_filter = ("status",)
    search_fields = ("minutes_no", "asset__description", "asset__parcel_no", "case__case_no")
    date_hierarchy = "seized_on"
    list_select_related = ("asset", "case")
    change_fieldsets = (
        (_("Seizure"), {"fields": ("asset_link", "case_link", "seized_on", "minutes_no", "officer", "status",
                                   "released_on", "release_reason")}),
        (_("Valuations"), {"fields": ("valuations_display", "auction_link")}),
        (_("Next steps"), {"fields": ("steps_display",)}),
        (_("Record"), {"classes": ("collapse",), "fields": ("recorded_by", "recorded_at")}),
    )

    related = ("case",)

    def action_summary(self, seizure):
        return [(gettext("Asset"), str(seizure.asset)), (gettext("Seized on"), day(seizure.seized_on)),
                (gettext("Status"), seizure.get_status_display())]

    @admin.display(description=_("Asset"))
    def asset_link(self, seizure):
        return link(seizure.asset)

    @admin.display(description=_("Case in which it was seized"))
    def case_link(self, seizure):
        return link(seizure.case)

    @admin.display(description=_("Valuations"))
    def valuations_display(self, seizure):
        effective = effective_valuation(seizure)
        rows = [(link(valuation), vnd(valuation.value), day(valuation.notified_on),
                 link(valuation.revaluation_of) if valuation.revaluation_of_id else "—",
                 yes_or_dash(valuation == effective)) for valuation in seizure.valuations.all()]
        return html_table([_("Valuation"), _("Value"), _("Notified on"), _("Re-valuation of"), _("Starting price")],
                          rows)

    @admin.display(description=_("Auction"))
    def auction_link(self, seizure):
        return link(Auction.objects.filter(seizure=seizure).first())

    @admin.display(description=_("Next steps"))
    def steps_display(self, seizure):
        steps = []
        if seizure.status == SeizureStatus.IN_FORCE:
            if effective_valuation(seizure) is None:
                steps.append((add_url(Valuation, seizure=seizure.pk), gettext("Record the valuation")))
            steps.append((self.step_url(seizure, "release"), SeizureReleaseForm.title))
        return step_links(steps)


@admin.register(Valuation)
class ValuationAdmin(AssetRecordAdmin):
    add_form = ValuationForm
    action_forms = {"notify": ValuationNotifyForm}
    list_display = ("__str__", "seizure", "value_display", "valued_on", "method", "revaluation_of")
    list_filter = ("method",)
    search_fields = ("firm_name", "seizure__minutes_no", "seizure__asset__description")
    date_hierarchy = "valued_on"
    list_select_related = ("seizure", "revaluation_of")
    add_fieldsets = (
        (_("Valuation"), {"fields": ("seizure", "method", "firm_name", "contract_signed_on", "valued_on", "value",
                                     "notified_on")}),
        (_("Re-valuation on request"), {
            "fields": ("revaluation_of", "revaluation_requested_on", "requested_by"),
            "description": _("Only when a party requested a re-valuation within 5 working days of notice.")}),
    )
    change_fieldsets = (
        (_("Valuation"), {"fields": ("seizure_link", "method", "firm_name", "contract_signed_on", "valued_on",
                                     "value_display", "notified_on")}),
        (_("Re-valuation on request"), {"fields": ("revaluation_of", "revaluation_requested_on", "requested_by")}),
        (_("Next steps"), {"fields": ("steps_display",)}),
        (_("Record"), {"classes": ("collapse",), "fields": ("recorded_by", "recorded_at")}),
    )

    @admin.display(description=_("Next steps"))
    def steps_display(self, valuation):
        steps = []
        if valuation.notified_on is None:
            steps.append((self.step_url(valuation, "notify"), ValuationNotifyForm.title))
        return step_links(steps)

    asset_path = "seizure__asset"

    @admin.display(description=_("Value"), ordering="value")
    def value_display(self, valuation):
        return vnd(valuation.value)

    @admin.display(description=_("Seizure"))
    def seizure_link(self, valuation):
        return link(valuation.seizure)


# ---- auctions ---------------------------------------------------------------------------------------------------

@admin.register(Auction)
class AuctionAdmin(AssetRecordAdmin):
    add_form = AuctionForm
    action_forms = {"offer": CreditorOfferMakeForm, "answer": CreditorOfferAnswerForm, "handover": HandoverForm,
                    "redeem": RedeemForm, "return": ReturnToDebtorForm}
    list_display = ("__str__", "asset_display", "organisation", "contract_signed_on", "closed_as", "closed_on")
    list_filter = ("closed_as",)
    search_fields = ("contract_no", "organisation", "seizure__asset__description", "seizure__case__case_no")
    date_hierarchy = "contract_signed_on"
    list_select_related = ("seizure__asset",)
    change_fieldsets = (
        (_("Auction"), {"fields": ("asset_display", "seizure_link", "organisation", "contract_no",
                                   "contract_signed_on", "closed_as", "closed_on")}),
        (_("Rounds"), {"fields": ("rounds_display",)}),
        (_("Offer to the creditor"), {"fields": ("offer_display",)}),
        (_("Floor and reduction planner"), {"fields": ("floor_display", "planner_display")}),
        (_("Next steps"), {"fields": ("steps_display",)}),
        (_("Record"), {"classes": ("collapse",), "fields": ("recorded_by", "recorded_at")}),
    )

    asset_path = "seizure__asset"
    related = ("seizure__case",)

    def after_url(self, obj):
        return admin_url(obj)

    def action_summary(self, auction):
        summary = [(gettext("Asset"), str(auction.seizure.asset))]
        last = auction.rounds.order_by("-number").first()
        if last is not None:
            summary.append((gettext("Last round"), f"{last} — {vnd(last.starting_price)}, "
                                                   f"{last.get_outcome_display()}"))
        offer = CreditorOffer.objects.filter(auction=auction).select_related("case").first()
        if offer is not None:
            summary.append((gettext("Offer to the creditor"), self._offer_text(offer)))
        return summary

    @staticmethod
    def _offer_text(offer: CreditorOffer) -> str:
        text = gettext("Offered on %(date)s at %(price)s to case %(case)s") % {
            "date": day(offer.offered_on), "price": vnd(offer.price), "case": offer.case.case_no}
        if offer.accepted is None:
            return gettext("%(offer)s; no answer yet") % {"offer": text}
        if offer.accepted:
            return gettext("%(offer)s; accepted on %(date)s; the debtor may pay to keep it until %(until)s") % {
                "offer": text, "date": day(offer.answered_on), "until": day(offer.redemption_due_on)}
        return gettext("%(offer)s; declined on %(date)s") % {"offer": text, "date": day(offer.answered_on)}

    @admin.display(description=_("Asset"))
    def asset_display(self, auction):
        return link(auction.seizure.asset)

    @admin.display(description=_("Seizure"))
    def seizure_link(self, auction):
        return link(auction.seizure)

    @admin.display(description=_("Rounds"))
    def rounds_display(self, auction):
        rows = [(link(item, item.number), day(item.held_on), vnd(item.starting_price), reduction_text(item),
                 item.get_outcome_display(), vnd(item.sale_price), payment_text(item))
                for item in auction.rounds.order_by("number")]
        return html_table([_("Round"), _("Date"), _("Starting price"), _("Reduction"), _("Outcome"), _("Sale price"),
                           _("Payment")], rows, css_id="auction-rounds")

    @admin.display(description=_("Offer to the creditor"))
    def offer_display(self, auction):
        offer = CreditorOffer.objects.filter(auction=auction).select_related("case").first()
        if offer is None:
            return gettext("Not offered.")
        return format_html("{} ({})", self._offer_text(offer), link(offer, gettext("details")))

    @admin.display(description=_("Floor"))
    def floor_display(self, auction):
        return format_html("{} — {}", vnd(auction_state(auction).floor),
                           gettext("no round may start at or below it: the outstanding enforcement costs, plus the "
                                   "debt the asset secures for a bank other than the creditor of the case it was "
                                   "seized in"))

    @admin.display(description=_("Reduction planner"))
    def planner_display(self, auction):
        """The rounds still to come if each fails and each reduction is the largest the cap allows."""
        plan = auction_plan(auction)
        facts = format_html(
            "<p>{}</p>",
            gettext("Floor %(floor)s (of which enforcement costs %(costs)s). Debt owed to the creditor "
                    "(case %(case)s) from this asset: %(debt)s.") % {
                "floor": vnd(plan.floor), "costs": vnd(plan.costs), "debt": vnd(plan.debt),
                "case": plan.creditor.case_no if plan.creditor else "—"})
        offer = CreditorOffer.objects.filter(auction=auction).first()
        if auction.closed_as:
            note = gettext("The auction is closed: nothing to plan.")
        elif offer is not None and offer.accepted:
            note = gettext("The creditor accepted the asset: no further round. The debtor may still pay to keep it "
                           "until the redemption window ends.")
        elif plan.offer_due_now:
            note = gettext("The auction at the twice-reduced price has failed: offer the asset to the creditor "
                           "before any further round.")
        elif not plan.rows:
            note = gettext("No further reduction is possible above the floor.")
        else:
            note = gettext("Assuming every round fails, each reduction is the largest the cap allows and the "
                           "rounds are 45 days apart.")
        rows = [(item.round.number, day(item.round.held_on), vnd(item.round.starting_price),
                 vnd(item.round.reduction) if item.round.reduction else "—",
                 yes_or_dash(item.round.creditor_offer_due_after), yes_or_dash(item.round.below_debt),
                 vnd(item.creditor_recovers)) for item in plan.rows]
        table = html_table([_("Round"), _("Date"), _("Starting price"), _("Reduction"),
                            _("Creditor offer due if it fails"), _("Below the debt"), _("Creditor would recover")],
                           rows, empty="", css_id="reduction-planner")
        return format_html("{}<p>{}</p>{}", facts, note, table)

    @admin.display(description=_("Next steps"))
    def steps_display(self, auction):
        if auction.closed_as:
            return step_links([])
        steps = []
        sale = pending_sale(auction)
        if sale is not None:
            steps += [(admin_url(sale, "paid"), SalePaidForm.title),
                      (admin_url(sale, "default"), SaleDefaultForm.title)]
        state = auction_state(auction)
        offer = CreditorOffer.objects.filter(auction=auction).first()
        if sale is None and (offer is None or offer.accepted is False):
            steps.append((add_url(AuctionRound, auction=auction.pk), gettext("Record a round")))
        if state.offer_due():
            steps.append((self.step_url(auction, "offer"), CreditorOfferMakeForm.title))
        if offer is not None and offer.accepted is None:
            steps.append((self.step_url(auction, "answer"), CreditorOfferAnswerForm.title))
        if offer is not None and offer.accepted:
            steps += [(self.step_url(auction, "redeem"), RedeemForm.title),
                      (self.step_url(auction, "handover"), HandoverForm.title)]
        if offer is not None and offer.accepted is False and reductions_exhausted(auction, state):
            steps.append((self.step_url(auction, "return"), ReturnToDebtorForm.title))
        return step_links(steps)


@admin.register(AuctionRound)
class AuctionRoundAdmin(AssetRecordAdmin):
    add_form = AuctionRoundForm
    action_forms = {"paid": SalePaidForm, "default": SaleDefaultForm}
    list_display = ("__str__", "auction", "starting_price_display", "reduction_display", "outcome",
                    "sale_price_display", "payment_due_on")
    list_filter = ("outcome", "price_set_by")
    search_fields = ("auction__contract_no", "buyer_name", "auction__seizure__asset__description")
    date_hierarchy = "held_on"
    list_select_related = ("auction",)
    change_fieldsets = (
        (_("Round"), {"fields": ("auction_link", "number", "held_on", "starting_price_display", "reduction_display",
                                 "price_set_by", "outcome")}),
        (_("Sale"), {"fields": ("sale_price_display", "buyer_name", "payment_due_on", "paid_on", "defaulted_on")}),
        (_("Next steps"), {"fields": ("steps_display",)}),
        (_("Record"), {"classes": ("collapse",), "fields": ("recorded_by", "recorded_at")}),
    )

    asset_path = "auction__seizure__asset"

    def after_url(self, obj):
        return admin_url(obj.auction)

    def action_summary(self, auction_round):
        return [(gettext("Auction"), str(auction_round.auction)), (gettext("Round"), str(auction_round)),
                (gettext("Sale price"), vnd(auction_round.sale_price)), (gettext("Buyer"), auction_round.buyer_name),
                (gettext("Payment"), payment_text(auction_round))]

    @admin.display(description=_("Auction"))
    def auction_link(self, auction_round):
        return link(auction_round.auction)

    @admin.display(description=_("Starting price"), ordering="starting_price")
    def starting_price_display(self, auction_round):
        return vnd(auction_round.starting_price)

    @admin.display(description=_("Reduction"))
    def reduction_display(self, auction_round):
        return reduction_text(auction_round)

    @admin.display(description=_("Sale price"), ordering="sale_price")
    def sale_price_display(self, auction_round):
        return vnd(auction_round.sale_price)

    @admin.display(description=_("Next steps"))
    def steps_display(self, auction_round):
        if pending_sale(auction_round.auction) != auction_round:
            return step_links([])
        return step_links([(self.step_url(auction_round, "paid"), SalePaidForm.title),
                           (self.step_url(auction_round, "default"), SaleDefaultForm.title)])


@admin.register(CreditorOffer)
class CreditorOfferAdmin(AssetRecordAdmin):
    """Read-only: the offer and the creditor's answer are recorded as steps on the auction."""

    list_display = ("__str__", "auction", "case", "price_display", "accepted", "answered_on", "redemption_due_on")
    list_filter = ("accepted",)
    search_fields = ("case__case_no", "auction__contract_no")
    date_hierarchy = "offered_on"
    list_select_related = ("auction", "case")
    change_fieldsets = (
        (None, {"fields": ("auction_link", "case", "offered_on", "price_display", "answered_on", "accepted",
                           "redemption_due_on", "recorded_by", "recorded_at")}),
    )

    asset_path = "auction__seizure__asset"
    related = ("case",)

    def after_url(self, obj):
        return admin_url(obj.auction)

    @admin.display(description=_("Price"), ordering="price")
    def price_display(self, offer):
        return vnd(offer.price)

    @admin.display(description=_("Auction"))
    def auction_link(self, offer):
        return link(offer.auction)


# ---- costs and distributions ------------------------------------------------------------------------------------

@admin.register(EnforcementCost)
class EnforcementCostAdmin(AssetRecordAdmin):
    add_form = EnforcementCostForm
    list_display = ("__str__", "case", "asset", "incurred_on", "kind", "amount_display", "recovered_display")
    list_filter = ("kind",)
    search_fields = ("case__case_no", "note", "asset__description")
    date_hierarchy = "incurred_on"
    list_select_related = ("case", "asset")
    change_fieldsets = (
        (None, {"fields": ("case_link", "asset_link", "incurred_on", "kind", "amount_display", "recovered_display",
                           "note", "recorded_by", "recorded_at")}),
    )

    def after_url(self, obj):
        return admin_url(obj.asset) if obj.asset_id else admin_url(obj.case)

    def get_queryset(self, request):
        # A cost charged to no asset belongs to its case alone: scoped by the case, not by an asset.
        readable_cases = case_list_for_user(request.user).values("pk")
        return admin.ModelAdmin.get_queryset(self, request).filter(
            Q(case__in=readable_cases) | Q(asset__in=readable_assets(request))).select_related("case", "asset")

    @admin.display(description=_("Amount"), ordering="amount")
    def amount_display(self, cost):
        return vnd(cost.amount)

    @admin.display(description=_("Recovered from proceeds"), ordering="recovered")
    def recovered_display(self, cost):
        return vnd(cost.recovered)

    @admin.display(description=_("Case"))
    def case_link(self, cost):
        return link(cost.case)

    @admin.display(description=_("Asset"))
    def asset_link(self, cost):
        return link(cost.asset)


class DistributionShareInline(DayFirstMoneyAdminMixin, admin.TabularInline):
    model = DistributionShare
    extra = 0
    can_delete = False
    fields = ("case", "recipient", "rank", "secured", "principal_display", "interest_display", "amount_display",
              "event")
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return may_read_assets(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Principal"))
    def principal_display(self, share):
        return vnd(share.principal)

    @admin.display(description=_("Interest"))
    def interest_display(self, share):
        return vnd(share.interest)

    @admin.display(description=_("Amount"))
    def amount_display(self, share):
        return vnd(share.amount)


@admin.register(Distribution)
class DistributionAdmin(AssetRecordAdmin):
    """Read-only: a distribution is written by the step that brings the money in (a paid sale, a hand-over,
    money collected from the asset), with one collection event per creditor's share."""

    inlines = [DistributionShareInline]
    list_display = ("__str__", "asset", "source", "received_on", "proceeds_display", "costs_paid_display",
                    "surplus_display")
    list_filter = ("source",)
    search_fields = ("asset__description", "shares__case__case_no")
    date_hierarchy = "received_on"
    list_select_related = ("asset",)
    change_fieldsets = (
        (None, {"fields": ("asset_link", "auction_link", "source", "received_on", "proceeds_display",
                           "costs_paid_display", "surplus_display", "recorded_by", "recorded_at")}),
    )

    related = ("auction",)

    @admin.display(description=_("Proceeds"), ordering="proceeds")
    def proceeds_display(self, distribution):
        return vnd(distribution.proceeds)

    @admin.display(description=_("Enforcement costs paid first"))
    def costs_paid_display(self, distribution):
        return vnd(distribution.costs_paid)

    @admin.display(description=_("Surplus returned to the debtor"))
    def surplus_display(self, distribution):
        return vnd(distribution.surplus_to_debtor)

    @admin.display(description=_("Asset"))
    def asset_link(self, distribution):
        return link(distribution.asset)

    @admin.display(description=_("Auction"))
    def auction_link(self, distribution):
        return link(distribution.auction)
