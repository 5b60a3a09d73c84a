"""The signature of a webhook delivery.

    X-THADS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>[,v1=<same with the old secret>]

One ``v1`` per secret in use: two while a rotated-out secret is still valid, so a receiver holding either
verifies. The receiver's side is the code docs/api.md «Webhooks» documents (tests/banks/test_webhooks.py runs
that very copy)."""
import hashlib
import hmac
import secrets as random_secrets
import time

SIGNATURE_HEADER = "X-THADS-Signature"
DELIVERY_HEADER = "X-THADS-Delivery-Id"
EVENT_HEADER = "X-THADS-Event"
REPLAY_WINDOW_SECONDS = 300
SECRET_PREFIX = "whsec_"  # noqa: S105 — a label, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + random_secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secrets: list[str], body: bytes, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return ",".join([f"t={timestamp}", *(f"v1={signature(secret, timestamp, body)}" for secret in secrets)])

