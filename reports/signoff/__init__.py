"""The period's sign-off with the procuracy (interagency statistics, TTLT 12/2021/TTLT-BTP-VKSNDTC-TANDTC):
``workflow`` (pure: statuses, deadlines), ``services`` (every write), ``selectors`` (scope), ``views``."""
