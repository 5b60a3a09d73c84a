"""The official statistical forms (domain.md §6 "The official forms"), as data, and their Excel.

- ``definitions``: each form's title, rows kind, column tree, the engine figure behind each column, units,
  validity dates and what is reconstructed; an administrator corrects headings and order (FormColumnOverride).
- ``build``: the figures of a form for a unit and a period (rows and total), from reports.engine.
- ``excel``: the workbook (write-only: rows stream), with the cases behind every row on a second sheet.
"""
