"""Signed webhooks (docs/api.md «Webhooks»): each entry of a bank's change feed POSTed to the endpoints the bank
registered, signed with HMAC-SHA256, in feed order, at least once.

- signing: the signature header and its verification;
- transport: which URLs are allowed (HTTPS, no private addresses in production) and the POST itself;
- services: every write (register, change, delete, rotate the secret, resume, deliver);
- selectors: the reads (a bank's endpoints, an endpoint's log, the endpoints due)."""
