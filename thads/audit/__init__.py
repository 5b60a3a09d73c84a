"""The audit trail: who changed what, when, through which door, with the values before and after.

Services call ``thads.audit.services.audit_record`` in the transaction of their write; the rows are never
changed or deleted (model, queryset and admin all refuse). Read them through ``thads.audit.selectors``."""
