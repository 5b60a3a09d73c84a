"""Wording of Django's own admin that its Vietnamese catalogue gets wrong or lacks (Django 5.2): listed here so
makemessages keeps them in locale/vi, whose translations take precedence over Django's. Officers meet these
on the admin pages that remain open to them."""
from django.utils.translation import gettext_noop, ngettext_noop

ADMIN_WORDING = [
    gettext_noop("History"),  # Django: "Bản ghi nhớ"
    gettext_noop(" By %(filter_title)s "),  # Django: "Bởi …"
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("Skip to main content"),
    gettext_noop("Hide counts"),
    gettext_noop("Show counts"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Added:"),
    gettext_noop("Changed:"),
    gettext_noop("Deleted:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Sidebar"),
    gettext_noop("Filter navigation items"),
    gettext_noop("entry"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Set password"),
    ngettext_noop("%(counter)s result", "%(counter)s results"),
]
