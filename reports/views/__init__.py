"""The directors' dashboard (server-rendered, Vietnamese first). Thin: figures come from reports.services
(report_build, report_breakdown, report_case_rows), scope from reports.selectors.

- ``dashboard``: a unit's year at a glance, its sub-units (or officers) with their rates against targets;
- ``cases``: the cases behind any figure, paginated and exportable to xlsx.
"""
