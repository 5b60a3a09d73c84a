"""Language selection: Vietnamese unless the person chose English (the language cookie set by Django's
set_language view). The browser's Accept-Language is deliberately ignored: an office PC with an English
operating system must still show the Vietnamese pages the staff are trained on."""
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import translation


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ScopeMemoMiddleware:
    """Within a GET or HEAD request, compute each unit's jurisdiction once (thads.org.selectors.scope_memo):
    the pages ask for it several times, and the organisation does not change while a page is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        from thads.org.selectors import scope_memo

        with scope_memo():
            return self.get_response(request)


LAST_ACTIVITY = "thads_last_activity"  # session key: when (epoch seconds) the person last made a request


def session_activity_start(sender, request, user, **kwargs) -> None:
    """user_logged_in: a new session starts active now (so its first page needs no extra session write)."""
    request.session[LAST_ACTIVITY] = int(time.time())


class IdleSessionMiddleware:
    """Log a person out after ``SESSION_IDLE_MINUTES`` without a request (an office PC left unlocked).

    The session records the time of the last request, but rewrites it only when the stored time is older than
    ``SESSION_ACTIVITY_RESOLUTION`` seconds (default 60): a page therefore costs no extra query (no session
    write on every request, unlike SESSION_SAVE_EVERY_REQUEST), and the idle limit is exact to within a minute.
    An expired session is flushed and the person sent to the login page, then back to where they were going."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key and request.user.is_authenticated:
            now = int(time.time())
            last = session.get(LAST_ACTIVITY)
            if last is not None and now - last > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= settings.SESSION_ACTIVITY_RESOLUTION:
                session[LAST_ACTIVITY] = now
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` (None: no header) with every response that has none yet; a path
    starting with a key of ``settings.CONTENT_SECURITY_POLICY_PATHS`` gets that policy instead (the API's
    Swagger page, whose bootstrap script is inline). Production sets both (thads.settings.production)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        for prefix, path_policy in settings.CONTENT_SECURITY_POLICY_PATHS.items():
            if request.path_info.startswith(prefix):
                policy = path_policy
                break
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
