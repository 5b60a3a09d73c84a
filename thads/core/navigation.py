"""The main menu of the officers' pages, by role (a template context processor)."""
from django.urls import reverse
from django.utils.translation import gettext as _

from thads.org.models import Role
from thads.org.selectors import officer_profile_of, sees_everything


def home_url_for(user) -> str:
    """Where a person lands after logging in: officers on their work, unit heads, statisticians and central
    administrators on their unit's dashboard, administrators without a profile in the admin."""
    profile = officer_profile_of(user)
    if profile is None:
        return reverse("admin:index") if getattr(user, "is_staff", False) else reverse("login")
    if profile.role in (Role.UNIT_HEAD, Role.STATISTICIAN, Role.CENTRAL_ADMIN):
        return reverse("reports:dashboard")
    return reverse("cases:work")


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    profile = officer_profile_of(user)
    items = []
    if profile is not None:
        directs = profile.role in (Role.UNIT_HEAD, Role.STATISTICIAN, Role.CENTRAL_ADMIN) or sees_everything(user)
        if directs:
            items.append(("reports:dashboard", _("Dashboard")))
            items.append(("signoff:list", _("Sign-off")))
        items.append(("cases:work", _("My work")))
        if directs:
            items.append(("cases:review", _("Case review")))
        if profile.role != Role.STATISTICIAN:
            items.append(("cases:case_new", _("New case")))
        items.append(("deadlines", _("Deadlines")))
        if directs:
            items.append(("dialogues:list", _("Bank dialogues")))
    if user.is_staff and (user.is_superuser or profile is None or profile.role == Role.CENTRAL_ADMIN):
        items.append(("admin:index", _("Administration")))
    path = request.path
    nav_items = []
    for name, label in items:
        url = reverse(name)
        nav_items.append({"url": url, "label": label,
                          "active": path == url or (url != "/" and path.startswith(url) and name != "admin:index")})
    person = profile.full_name if profile else user.get_username()
    unit_name = profile.unit.name if profile is not None else ""
    from thads.org.twofactor import may_use_two_factor

    return {"nav_items": nav_items, "nav_person": person, "nav_unit": unit_name,
            "nav_two_factor": may_use_two_factor(user)}
