"""Writes to the organisation: units, officers, role groups."""
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thads.core.errors import DomainError
from thads.org.models import LoginLockout, OfficerProfile, Role, Title, Unit, UnitLevel

# Model permissions given to each role's group, so the admin shows each person what their role allows.
# Which rows they see and may change is decided by the selectors (thads.org.selectors), not here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OFFICER: [
        "cases.view_case", "cases.add_case", "cases.change_case",
        "cases.view_party", "cases.add_party", "cases.change_party",
        "cases.view_caseevent", "cases.add_caseevent",
        "cases.view_payout", "cases.add_payout",
        "cases.view_publicholiday", "org.view_unit", "banks.view_bank", "audit.view_auditentry",
    ],
    Role.UNIT_HEAD: [
        "cases.view_case", "cases.add_case", "cases.change_case",
        "cases.view_party", "cases.add_party", "cases.change_party", "cases.delete_party",
        "cases.view_caseevent", "cases.add_caseevent",
        "cases.view_payout", "cases.add_payout",
        "cases.view_publicholiday", "org.view_unit", "org.view_officerprofile", "banks.view_bank",
        "reports.view_target", "reports.view_snapshot", "reports.view_closedperiod",
        "reports.view_periodreport", "reports.view_reportadjustment", "audit.view_auditentry",
    ],
    Role.STATISTICIAN: [
        "cases.view_case", "cases.view_party", "cases.view_caseevent", "cases.view_payout",
        "cases.view_publicholiday", "org.view_unit", "org.view_officerprofile", "banks.view_bank",
        "reports.view_target", "reports.view_snapshot", "reports.view_statsjob", "reports.view_closedperiod",
        "reports.add_closedperiod", "reports.view_periodreport", "reports.view_reportadjustment",
        "audit.view_auditentry",
    ],
    Role.CENTRAL_ADMIN: [
        "cases.view_case", "cases.add_case", "cases.change_case",
        "cases.view_party", "cases.add_party", "cases.change_party", "cases.delete_party",
        "cases.view_caseevent", "cases.add_caseevent",
        "cases.view_payout", "cases.add_payout",
        "cases.view_publicholiday", "cases.add_publicholiday", "cases.change_publicholiday",
        "cases.delete_publicholiday",
        "org.view_unit", "org.add_unit", "org.change_unit",
        "org.view_officerprofile", "org.add_officerprofile", "org.change_officerprofile",
        "banks.view_bank", "banks.add_bank", "banks.change_bank",
        "auth.view_user", "auth.add_user", "auth.change_user",
        "reports.view_target", "reports.add_target", "reports.change_target", "reports.view_snapshot",
        "reports.view_statsjob", "reports.view_closedperiod", "reports.add_closedperiod",
        "reports.view_periodreport", "reports.view_reportadjustment", "audit.view_auditentry",
    ],
}


def role_group_name(role: str) -> str:
    return f"role:{role}"


def roles_sync() -> None:
    """Create or refresh one auth Group per role with exactly its permissions. Idempotent; runs after every
    migrate (thads.org.apps), so a role's permissions follow this table."""
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role_group_name(role))
        wanted = [tuple(code.split(".")) for code in codes]
        permissions = [p for p in Permission.objects.select_related("content_type").filter(
            codename__in=[codename for _app, codename in wanted])
            if (p.content_type.app_label, p.codename) in wanted]
        group.permissions.set(permissions)


def unit_ensure(*, code: str, name: str, level: str, parent: Unit | None, valid_from: date,
                valid_to: date | None) -> tuple[Unit, bool]:
    """Create a unit, or accept it unchanged when an identical unit already exists.

    Units are shared reference data: several ledgers may name the same unit. A row that differs from the
    stored unit is refused (DomainError code ``unit_differs``) rather than silently overwriting it."""
    if level not in UnitLevel.values:
        raise DomainError(_("Invalid unit level: “%(level)s”.") % {"level": level}, code="invalid_level",
                          field="level")
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(_("The validity ends before it starts."), code="invalid_dates", field="valid_to")
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        differences = [
            label for label, stored, given in (
                ("name", existing.name, name), ("level", existing.level, level),
                ("parent_code", existing.parent.code if existing.parent_id else None,
                 parent.code if parent else None),
                ("valid_from", existing.valid_from, valid_from), ("valid_to", existing.valid_to, valid_to),
            ) if stored != given
        ]
        if differences:
            raise DomainError(
                _("Unit %(code)s is already in the database with a different %(fields)s.") % {
                    "code": code, "fields": ", ".join(differences)},
                code="unit_differs", field=differences[0])
        return existing, False
    unit = Unit.objects.create(code=code, name=name, level=level, parent=parent, valid_from=valid_from,
                               valid_to=valid_to)
    return unit, True


@transaction.atomic
def officer_create(*, username: str, password: str, full_name: str, unit: Unit, title: str = Title.KHAC,
                   role: str = Role.OFFICER, email: str = "", actor=None) -> OfficerProfile:
    """Create a login for an officer of ``unit`` with the given role. Officers use the admin pages, so
    the account is staff; what they may see and change follows from the role and the unit."""
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise DomainError(_("The username “%(username)s” already exists.") % {"username": username},
                          code="username_taken", field="username")
    if role not in Role.values or title not in Title.values:
        raise DomainError(_("Invalid role or title."), code="invalid_role", field="role")
    first, _sep, last = full_name.rpartition(" ")
    try:  # the project's password validators (settings.AUTH_PASSWORD_VALIDATORS), as for any password set
        validate_password(password, user=user_model(username=username, email=email, first_name=last,
                                                   last_name=first))
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="weak_password", field="password") from None
    user = user_model.objects.create_user(username=username, password=password, email=email,
                                          first_name=last, last_name=first, is_staff=True)
    return officer_profile_save(user=user, unit=unit, title=title, role=role, full_name=full_name, actor=actor)


def _role_group(role: str) -> Group:
    group = Group.objects.filter(name=role_group_name(role)).first()
    if group is None:
        roles_sync()
        group = Group.objects.get(name=role_group_name(role))
    return group


@transaction.atomic
def officer_profile_save(*, user, unit: Unit, title: str, role: str, full_name: str, actor=None) -> OfficerProfile:
    """Create or change a person's officer profile, keeping their role group (the admin permissions) in
    step: a person is in exactly the group of their current role. The change (unit, title, role, name,
    before and after) goes to the audit trail, by ``actor`` (None: the system)."""
    from thads.audit.models import Action
    from thads.audit.services import audit_record, field_values, instance_diff

    if role not in Role.values or title not in Title.values:
        raise DomainError(_("Invalid role or title."), code="invalid_role", field="role")
    if not full_name.strip():
        raise DomainError(_("The full name is missing."), code="required", field="full_name")
    audited = ("unit", "title", "role", "full_name")
    existing = OfficerProfile.objects.select_for_update().select_related("unit").filter(user=user).first()
    before = field_values(existing, audited) if existing is not None else dict.fromkeys(audited)
    profile, _created = OfficerProfile.objects.update_or_create(
        user=user, defaults={"unit": unit, "title": title, "role": role, "full_name": full_name.strip()})
    changes = instance_diff(before, profile)
    if changes:
        audit_record(actor=actor, action=Action.OFFICER_PROFILE, obj=profile, case=None, unit=unit,
                     changes=changes, note=user.get_username())
    role_groups = Group.objects.filter(name__in=[role_group_name(r) for r in Role.values])
    user.groups.remove(*role_groups)
    user.groups.add(_role_group(role))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return profile


@transaction.atomic
@transaction.atomic
def unit_save(*, unit: Unit, actor=None) -> Unit:
    """Create or correct a unit from the admin. The dates must be ordered and a unit cannot be its own
    ancestor (the hierarchy stays a tree). The change goes to the audit trail, by ``actor``."""
    from thads.audit.models import Action
    from thads.audit.services import audit_record, field_values, instance_diff

    if unit.valid_to is not None and unit.valid_to < unit.valid_from:
        raise DomainError(_("The validity ends before it starts."), code="invalid_dates", field="valid_to")
    ancestor = unit.parent
    while ancestor is not None:
        if unit.pk is not None and ancestor.pk == unit.pk:
            raise DomainError(_("A unit cannot be its own parent."), code="cycle", field="parent")
        ancestor = ancestor.parent
    audited = ("code", "name", "level", "parent", "valid_from", "valid_to")
    existing = Unit.objects.filter(pk=unit.pk).first() if unit.pk is not None else None
    before = field_values(existing, audited) if existing is not None else dict.fromkeys(audited)
    unit.save()
    if changes := instance_diff(before, unit):
        audit_record(actor=actor, action=Action.UNIT_SAVE, obj=unit, case=None, unit=unit, changes=changes)
    return unit


@transaction.atomic
def unit_predecessors_add(*, unit: Unit, predecessors: list[Unit]) -> None:
    """Record that ``unit`` replaced ``predecessors`` (a reorganisation: the city agency replaced the
    province's Cục, a regional office the Chi cục it took over). Idempotent.

    A predecessor must have ended before ``unit`` started (its cases then pass to ``unit``: see
    selectors.jurisdiction_unit_ids); anything else is refused (DomainError ``invalid_predecessor``) and
    nothing is written."""
    for predecessor in predecessors:
        if predecessor.pk == unit.pk or predecessor.valid_to is None or predecessor.valid_to >= unit.valid_from:
            raise DomainError(
                _("Unit %(predecessor)s cannot be a predecessor of %(unit)s: it must end before %(unit)s starts.")
                % {"predecessor": predecessor.code, "unit": unit.code},
                code="invalid_predecessor", field="predecessors")
    unit.predecessors.add(*predecessors)


@transaction.atomic
def login_lockout_record(*, username: str, ip_address: str | None, reason: str, failures: int,
                         until) -> LoginLockout:
    """Record that the login form paused an account (``reason`` "account": ``username``) or an address ("address":
    ``ip_address``) until ``until`` (thads.org.login). One row per lockout: while a lockout of the same account or
    address is still running, a further refused attempt extends it instead."""
    same = {"username": username} if reason == "account" else {"ip_address": ip_address}
    running = (LoginLockout.objects.select_for_update()
               .filter(reason=reason, unlocked_at__isnull=True, locked_until__gt=timezone.now(), **same).first())
    if running is not None:
        running.locked_until, running.failures = until, max(failures, running.failures)
        running.save(update_fields=["locked_until", "failures"])
        return running
    return LoginLockout.objects.create(username=username, ip_address=ip_address, reason=reason, failures=failures,
                                       locked_at=timezone.now(), locked_until=until)


@transaction.atomic
def login_unlock(*, actor, username: str = "", ip_address: str = "", via: str = "admin") -> int:
    """Lift the login pause of an account (``username``) and/or an address (``ip_address``) now: their failed
    attempts are forgotten and every running lockout naming them is marked unlocked by ``actor`` (None from the
    command line). Returns how many lockouts were lifted; each goes to the audit trail."""
    from axes.utils import reset

    from thads.audit.models import Action, AuditEntry
    from thads.audit.services import audit_entry

    if not username and not ip_address:
        raise DomainError(_("Name an account or an address to unlock."), code="required", field="username")
    if username:
        reset(username=username)
    if ip_address:
        reset(ip=ip_address)
    running = LoginLockout.objects.filter(unlocked_at__isnull=True, locked_until__gt=timezone.now())
    named = running.none()
    if username:
        named = named | running.filter(username=username)
    if ip_address:
        named = named | running.filter(ip_address=ip_address)
    lifted, now = list(named.select_for_update()), timezone.now()
    LoginLockout.objects.filter(pk__in=[lockout.pk for lockout in lifted]).update(
        unlocked_at=now, unlocked_by=actor, unlocked_via=via)
    AuditEntry.objects.bulk_create([audit_entry(
        actor=actor, action=Action.LOGIN_UNLOCK, obj=lockout, case=None, unit=None,
        changes={"unlocked_at": (None, now), "unlocked_via": ("", via)}) for lockout in lifted])
    return len(lifted)


# ---- two-factor log-in (thads.org.twofactor) --------------------------------------------------------------------

def _two_factor_event(*, user, kind: str, actor=None, ip_address: str | None = None, detail: str = ""):
    from thads.org.models import TwoFactorEvent

    return TwoFactorEvent.objects.create(user=user, kind=kind, actor=actor, at=timezone.now(),
                                         ip_address=ip_address or None, detail=detail[:255])


def _recovery_codes_issue(user) -> list[str]:
    """Replace ``user``'s recovery codes with new ones; returns them (to be shown once)."""
    from django.conf import settings
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    device.token_set.all().delete()
    codes = []
    while len(codes) < settings.TWO_FACTOR_RECOVERY_CODES:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_enrolment_start(*, user):
    """The unconfirmed authenticator of ``user`` (created with a new random secret when there is none), to be shown
    as a QR code until the person confirms it with a first code. Refused when the person may not use two-factor
    log-in or already has it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from thads.org.twofactor import DEVICE_NAME, has_two_factor, may_use_two_factor

    if not may_use_two_factor(user):
        raise DomainError(_("Two-factor log-in is for administrators and unit heads."), code="not_allowed")
    if has_two_factor(user):
        raise DomainError(_("Two-factor log-in is already on for this account."), code="already_on")
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _verify_totp(user, device, code: str) -> bool:
    from django_otp import verify_token

    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == device.digits):
        return False
    return verify_token(user, device.persistent_id, code) is not None


def _throttled_until(device):
    allowed, data = device.verify_is_allowed()
    return None if allowed else (data or {}).get("locked_until") or timezone.now()


def _code_refused(device) -> DomainError:
    until = _throttled_until(device) if device is not None else None
    if until is not None and until > timezone.now():
        return DomainError(_("Too many wrong codes in a row: wait until %(time)s, then enter the code shown now.")
                           % {"time": timezone.localtime(until).strftime("%H:%M:%S")}, code="throttled", field="code")
    return DomainError(_("This code is not right. Enter the 6 digits your authenticator app shows now."),
                       code="wrong_code", field="code")


def two_factor_enrolment_confirm(*, user, device, code: str, ip_address: str | None = None) -> list[str]:
    """Turn two-factor log-in on for ``user``: ``code`` must be the current code of the unconfirmed ``device``
    (proving the app holds the secret). Issues the recovery codes and returns them (shown once); recorded.
    (The code is checked outside the writing transaction, so a wrong code's throttle count is kept.)"""
    if device.user_id != user.pk or device.confirmed:
        raise DomainError(_("Start the set-up again."), code="stale_device")
    if _throttled_until(device) is not None or not _verify_totp(user, device, code):
        raise _code_refused(device)
    with transaction.atomic():
        device.refresh_from_db()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_issue(user)
        _two_factor_event(user=user, kind="enrolled", actor=user, ip_address=ip_address)
    return codes


@dataclass
class CodeCheck:
    device: object
    recovery: bool
    recovery_left: int


def two_factor_code_check(*, user, code: str, ip_address: str | None = None) -> CodeCheck:
    """Check a code typed by ``user``: the current code of their authenticator app, or one of their recovery codes
    (which is then used up and the use recorded). Raises DomainError ``wrong_code`` (or ``throttled`` while
    django-otp's growing delay after wrong codes runs: nothing is tested then)."""
    from django_otp import verify_token

    from thads.org.twofactor import authenticator_of, normalise_code, recovery_device_of

    code = normalise_code(code)
    authenticator = authenticator_of(user)
    if authenticator is None:
        raise DomainError(_("Two-factor log-in is not on for this account."), code="not_on")
    if not code:
        raise DomainError(_("Enter the code."), code="required", field="code")
    if code.isdigit() and len(code) == authenticator.digits:
        if _throttled_until(authenticator) is not None:
            raise _code_refused(authenticator)
        if _verify_totp(user, authenticator, code):
            return CodeCheck(device=authenticator, recovery=False, recovery_left=-1)
        raise _code_refused(None)
    recovery = recovery_device_of(user)
    # recovery codes are base32 (a-z, 2-7), shown in capitals: a 0 or a 1 typed for an O or an I is meant as them
    code = code.replace("0", "o").replace("1", "i")
    if recovery is not None:
        if _throttled_until(recovery) is not None:
            raise _code_refused(recovery)
        with transaction.atomic():
            matched = verify_token(user, recovery.persistent_id, code)
            if matched is not None:
                left = matched.token_set.count()
                _two_factor_event(user=user, kind="recovery_used", actor=user, ip_address=ip_address,
                                  detail=f"{left} left")
                return CodeCheck(device=matched, recovery=True, recovery_left=left)
    raise _code_refused(None)


def two_factor_disable(*, user, code: str, ip_address: str | None = None) -> None:
    """Turn two-factor log-in off for ``user``, who proves it is them with a current code (or a recovery code):
    every device and recovery code is removed; recorded."""
    two_factor_code_check(user=user, code=code, ip_address=ip_address)
    with transaction.atomic():
        _two_factor_devices_delete(user)
        _two_factor_event(user=user, kind="disabled", actor=user, ip_address=ip_address)


def two_factor_recovery_renew(*, user, code: str, ip_address: str | None = None) -> list[str]:
    """New recovery codes for ``user`` (the old ones stop working), after a current code; recorded."""
    two_factor_code_check(user=user, code=code, ip_address=ip_address)
    with transaction.atomic():
        codes = _recovery_codes_issue(user)
        _two_factor_event(user=user, kind="recovery_renewed", actor=user, ip_address=ip_address)
    return codes


def _two_factor_devices_delete(user) -> int:
    from django_otp import devices_for_user

    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    return removed


@transaction.atomic
def two_factor_reset(*, actor, user, ip_address: str | None = None) -> bool:
    """An administrator removes every two-factor device of ``user`` (a lost phone): the person logs in with the
    password alone and may enrol again. Only a superuser may reset a superuser. Recorded; False when there was
    nothing to remove."""
    if user.is_superuser and not actor.is_superuser:
        raise DomainError(_("Only a superuser may reset a superuser's two-factor log-in."), code="not_allowed")
    if not _two_factor_devices_delete(user):
        return False
    _two_factor_event(user=user, kind="reset", actor=actor, ip_address=ip_address)
    return True
