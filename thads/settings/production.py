"""Production settings: refuse to start without a real secret; HTTPS only; no debug.

Every deployment-specific choice comes from the environment (documented in .env.example and docs/operations.md),
so that ``DJANGO_SETTINGS_MODULE=thads.settings.production manage.py check --deploy`` is clean with the
documented values."""
import os

from django.core.exceptions import ImproperlyConfigured

from thads.settings.base import *  # noqa: F401,F403
from thads.settings.base import MIDDLEWARE, PRODUCTION_CONTENT_SECURITY_POLICY, env_bool, env_list

if not os.environ.get("DJANGO_SECRET_KEY"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
WEBHOOK_ALLOW_HTTP_LOCALHOST = False
WEBHOOK_BLOCK_PRIVATE_ADDRESSES = env_bool("WEBHOOK_BLOCK_PRIVATE_ADDRESSES", True)

# HTTPS. The app normally sits behind a reverse proxy (nginx, a load balancer) that ends TLS: set
# DJANGO_SECURE_PROXY_SSL_HEADER=true only then, and only if that proxy overwrites X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Asking browsers to preload the domain is the domain owner's decision (hstspreload), not the app's.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
# The scheme and host the officers type (https://thads.example.gov.vn), needed behind a proxy.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Content-Security-Policy (the policy and why: thads.settings.base.PRODUCTION_CONTENT_SECURITY_POLICY).
CONTENT_SECURITY_POLICY = os.environ.get("DJANGO_CONTENT_SECURITY_POLICY") or PRODUCTION_CONTENT_SECURITY_POLICY
# The bank API's Swagger page bootstraps itself with an inline script (drf-spectacular's SpectacularSwaggerView).
CONTENT_SECURITY_POLICY_PATHS = {
    "/api/v1/docs/": ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                      "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
                      "frame-ancestors 'none'"),
}

# WhiteNoise serves the collected static files from gunicorn (no separate web server needed).
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
