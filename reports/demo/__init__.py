"""The Hậu Giang demo, in one place (``python manage.py demo`` loads it; docs/statistics.md "The demo").

- ``history``: the calibrated FY2016–FY2020 ledger whose FY2019 figures are the director's published ones;
- ``org``: Hậu Giang's units until 30/06/2025 and the Cần Thơ units that replaced them;
- ``live``: the history carried forward to the day of the load, new cases since FY2025, the demo officer's
  designed deadlines;
- ``assets``: seizures, valuations and auction rounds of Vị Thanh's bank cases;
- ``dialogues``: Hậu Giang's 2019 dialogues with the banks and one planned this year by Cần Thơ's agency;
- ``logins``: the demo logins and the generated officers;
- ``loader``: puts it all in the database through import_ledger and the services.
"""
