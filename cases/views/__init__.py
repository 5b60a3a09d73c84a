"""The officers' pages (server-rendered, Vietnamese first). Thin: each view asks selectors for its rows and
services for its writes; scoping is the selectors' (cases.selectors, thads.org.selectors).

- ``work``: "Việc của tôi", an officer's landing page;
- ``case``: the case page with its timeline, deadlines, assets, payouts and the actions allowed now;
- ``steps``: intake and every step, each a form that calls the service;
- ``search`` and ``review``: one search box; the unit head's review of the unit's officers;
- ``deadlines``: the older deadline list (kept for unit heads' whole-unit view).
"""
from cases.views.deadlines import my_deadlines

__all__ = ["my_deadlines"]
