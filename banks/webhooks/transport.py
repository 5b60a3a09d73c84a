"""Where a webhook may go and the POST itself.

An endpoint is an ``https://`` URL (``http://`` only to 127.0.0.1 or localhost, and only where
WEBHOOK_ALLOW_HTTP_LOCALHOST is on: a developer's receiver). Where WEBHOOK_BLOCK_PRIVATE_ADDRESSES is on (always
in production), a host that resolves to a private, loopback, link-local, multicast or reserved address is refused
— on registration, and again on every delivery, where the connection goes to the very address that was checked
(so a DNS answer that changes in between cannot point us inside the network). Redirects are never followed."""
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from thads.core.errors import DomainError

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
USER_AGENT = "THADS-Webhooks/1"


class UnsafeAddress(DomainError):
    default_code = "invalid_url"


def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local


def url_check(url: str) -> str:
    """``url`` as stored, if it is one we may POST to; else DomainError (code invalid_url, field url).

    A URI (RFC 3986, what the schema's ``format: uri`` says): printable ASCII, no spaces — an internationalised
    host name in its xn-- form, anything else percent-encoded."""
    if not url or any(not "!" <= ch <= "~" for ch in url):
        raise UnsafeAddress(_("Give the URL in printable ASCII without spaces (an internationalised host name in "
                              "its xn-- form, other characters percent-encoded)."), field="url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeAddress(_("Not a valid URL."), field="url") from None
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password or parts.fragment:
        raise UnsafeAddress(_("Give a full https:// URL with a host name, without user, password or #fragment."),
                            field="url")
    if parts.scheme == "http" and host in LOCAL_HOSTS and settings.WEBHOOK_ALLOW_HTTP_LOCALHOST:
        return url
    if parts.scheme != "https":
        raise UnsafeAddress(_("A webhook endpoint must be an https:// URL."), field="url")
    if port is not None and not 0 < port < 65536:
        raise UnsafeAddress(_("Not a valid URL."), field="url")
    if settings.WEBHOOK_BLOCK_PRIVATE_ADDRESSES:
        resolve_public(host, port or 443)
    return url


def resolve_public(host: str, port: int) -> str:
    """One address of ``host`` — refused (UnsafeAddress) unless every address it resolves to is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeAddress(_("The host name %(host)s does not resolve.") % {"host": host}, field="url") from None
    addresses = [info[4][0] for info in infos]
    if not addresses or any(_blocked(address) for address in addresses):
        raise UnsafeAddress(_("The host %(host)s is a private or reserved address; webhooks go to public addresses "
                              "only.") % {"host": host}, field="url")
    return addresses[0]


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    latency_ms: int
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float | None = None) -> Outcome:
    """POST ``body`` to ``url``; never raises for a network or HTTP failure (it is in the Outcome)."""
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS if timeout is None else timeout
    started = time.perf_counter()

    def elapsed() -> int:
        return int((time.perf_counter() - started) * 1000)

    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = resolve_public(host, port) if settings.WEBHOOK_BLOCK_PRIVATE_ADDRESSES else host
        connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        connection = connection_class(host, port, address, timeout=timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("POST", path, body=body, headers={
                "Content-Type": "application/json", "User-Agent": USER_AGENT, **headers})
            response = connection.getresponse()
            response.read(4096)
            return Outcome(response.status, elapsed(), "" if 200 <= response.status < 300
                           else f"HTTP {response.status} {response.reason}"[:500])
        finally:
            connection.close()
    except DomainError as error:
        return Outcome(None, elapsed(), error.message[:500])
    except (OSError, http.client.HTTPException) as error:
        return Outcome(None, elapsed(), f"{type(error).__name__}: {error}"[:500])
