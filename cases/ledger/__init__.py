"""The case ledger exchange format (shared/ledger-format.md, version 1): reading, importing, generating."""
