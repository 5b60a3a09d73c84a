"""Language selection: Vietnamese unless the person chose English (the language cookie set by Django's
set_language view). The browser's Accept-Language is deliberately ignored: an office PC with an English
operating system must still show the Vietnamese pages the staff are trained on."""
from django.conf import settings
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
