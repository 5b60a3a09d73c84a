from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "thads.org"
    label = "org"
    verbose_name = _("Organisation and officers")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles, dispatch_uid="thads.org.roles_sync")

        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from thads.core.middleware import session_activity_start
        from thads.org.login import locked_out
        from thads.org.twofactor import session_state_note

        user_locked_out.connect(locked_out, dispatch_uid="thads.org.login_locked_out")
        user_logged_in.connect(session_activity_start, dispatch_uid="thads.core.session_activity_start")
        user_logged_in.connect(session_state_note, dispatch_uid="thads.org.two_factor_state")


def _sync_roles(sender, **kwargs):
    """After migrate, keep the role groups' permissions in step with thads.org.services.ROLE_PERMISSIONS."""
    from thads.org.services import roles_sync

    roles_sync()
