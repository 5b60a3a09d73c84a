"""Per-key throttling: a burst rate and a sustained rate (settings REST_FRAMEWORK DEFAULT_THROTTLE_RATES)."""
from rest_framework.throttling import SimpleRateThrottle


class _KeyThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view):
        key = getattr(request.user, "key", None)
        if key is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": key.pk}


class BurstThrottle(_KeyThrottle):
    scope = "bank_burst"


class SustainedThrottle(_KeyThrottle):
    scope = "bank_sustained"
