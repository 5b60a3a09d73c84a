from django.contrib.admin.apps import AdminConfig


class ThadsAdminConfig(AdminConfig):
    """django.contrib.admin whose default site (``admin.site``) is thads.core.admin_site.ThadsAdminSite."""

    default_site = "thads.core.admin_site.ThadsAdminSite"
