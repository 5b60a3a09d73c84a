"""Data: Vietnam's public holidays (Bộ luật Lao động, Điều 112) and the civil-service Tết schedules,
2016–2027, with compensatory days off and make-up working Saturdays as announced each year.

Holidays are data: an administrator corrects or extends them in the admin (Ngày nghỉ lễ / làm bù).
2027's Tết schedule had not been announced when this was written; it is the usual pattern, marked
"dự kiến" (provisional).
"""
from datetime import date

from django.db import migrations

TET = "Tết Nguyên đán"
DAYS_OFF = [
    # 2016
    ("2016-01-01", "Tết Dương lịch"),
    *[(f"2016-02-{d:02d}", TET) for d in (8, 9, 10, 11, 12)],
    ("2016-04-18", "Giỗ Tổ Hùng Vương (nghỉ bù)"), ("2016-05-02", "Nghỉ bù 30/4"), ("2016-05-03", "Nghỉ bù 1/5"),
    ("2016-09-02", "Quốc khánh"),
    # 2017
    ("2017-01-02", "Tết Dương lịch (nghỉ bù)"),
    ("2017-01-26", TET), ("2017-01-27", TET), ("2017-01-30", TET), ("2017-01-31", TET), ("2017-02-01", TET),
    ("2017-04-06", "Giỗ Tổ Hùng Vương"), ("2017-05-01", "Quốc tế Lao động"), ("2017-05-02", "Nghỉ bù 30/4"),
    ("2017-09-04", "Quốc khánh (nghỉ bù)"),
    # 2018
    ("2018-01-01", "Tết Dương lịch"),
    *[(f"2018-02-{d:02d}", TET) for d in (14, 15, 16, 19, 20)],
    ("2018-04-25", "Giỗ Tổ Hùng Vương"), ("2018-04-30", "Ngày Chiến thắng"), ("2018-05-01", "Quốc tế Lao động"),
    ("2018-09-03", "Quốc khánh (nghỉ bù)"), ("2018-12-31", "Nghỉ hoán đổi (làm bù 05/01/2019)"),
    # 2019
    ("2019-01-01", "Tết Dương lịch"),
    *[(f"2019-02-{d:02d}", TET) for d in (4, 5, 6, 7, 8)],
    ("2019-04-15", "Giỗ Tổ Hùng Vương (nghỉ bù)"), ("2019-04-29", "Nghỉ hoán đổi (làm bù 04/5)"),
    ("2019-04-30", "Ngày Chiến thắng"), ("2019-05-01", "Quốc tế Lao động"), ("2019-09-02", "Quốc khánh"),
    # 2020
    ("2020-01-01", "Tết Dương lịch"),
    ("2020-01-23", TET), ("2020-01-24", TET), ("2020-01-27", TET), ("2020-01-28", TET), ("2020-01-29", TET),
    ("2020-04-02", "Giỗ Tổ Hùng Vương"), ("2020-04-30", "Ngày Chiến thắng"), ("2020-05-01", "Quốc tế Lao động"),
    ("2020-09-02", "Quốc khánh"),
    # 2021
    ("2021-01-01", "Tết Dương lịch"),
    *[(f"2021-02-{d:02d}", TET) for d in (10, 11, 12, 15, 16)],
    ("2021-04-21", "Giỗ Tổ Hùng Vương"), ("2021-04-30", "Ngày Chiến thắng"), ("2021-05-03", "Nghỉ bù 1/5"),
    ("2021-09-02", "Quốc khánh"), ("2021-09-03", "Quốc khánh"),
    # 2022
    ("2022-01-03", "Tết Dương lịch (nghỉ bù)"),
    ("2022-01-31", TET), ("2022-02-01", TET), ("2022-02-02", TET), ("2022-02-03", TET), ("2022-02-04", TET),
    ("2022-04-11", "Giỗ Tổ Hùng Vương (nghỉ bù)"), ("2022-05-02", "Nghỉ bù 30/4"), ("2022-05-03", "Nghỉ bù 1/5"),
    ("2022-09-01", "Quốc khánh"), ("2022-09-02", "Quốc khánh"),
    # 2023
    ("2023-01-02", "Tết Dương lịch (nghỉ bù)"),
    ("2023-01-20", TET), ("2023-01-23", TET), ("2023-01-24", TET), ("2023-01-25", TET), ("2023-01-26", TET),
    ("2023-05-01", "Quốc tế Lao động"), ("2023-05-02", "Nghỉ bù Giỗ Tổ Hùng Vương"), ("2023-05-03", "Nghỉ bù 30/4"),
    ("2023-09-01", "Quốc khánh"), ("2023-09-04", "Quốc khánh (nghỉ bù)"),
    # 2024
    ("2024-01-01", "Tết Dương lịch"),
    ("2024-02-08", TET), ("2024-02-09", TET), ("2024-02-12", TET), ("2024-02-13", TET), ("2024-02-14", TET),
    ("2024-04-18", "Giỗ Tổ Hùng Vương"), ("2024-04-29", "Nghỉ hoán đổi (làm bù 04/5)"),
    ("2024-04-30", "Ngày Chiến thắng"), ("2024-05-01", "Quốc tế Lao động"),
    ("2024-09-02", "Quốc khánh"), ("2024-09-03", "Quốc khánh"),
    # 2025
    ("2025-01-01", "Tết Dương lịch"),
    *[(f"2025-01-{d:02d}", TET) for d in (27, 28, 29, 30, 31)],
    ("2025-04-07", "Giỗ Tổ Hùng Vương"), ("2025-04-30", "Ngày Chiến thắng"), ("2025-05-01", "Quốc tế Lao động"),
    ("2025-05-02", "Nghỉ hoán đổi (làm bù 17/5)"), ("2025-09-01", "Quốc khánh"), ("2025-09-02", "Quốc khánh"),
    # 2026
    ("2026-01-01", "Tết Dương lịch"),
    *[(f"2026-02-{d:02d}", TET) for d in (16, 17, 18, 19, 20)],
    ("2026-04-27", "Giỗ Tổ Hùng Vương (nghỉ bù)"), ("2026-04-30", "Ngày Chiến thắng"),
    ("2026-05-01", "Quốc tế Lao động"), ("2026-09-01", "Quốc khánh"), ("2026-09-02", "Quốc khánh"),
    # 2027 (Tết dự kiến)
    ("2027-01-01", "Tết Dương lịch"),
    *[(f"2027-02-{d:02d}", TET + " (dự kiến)") for d in (4, 5, 8, 9, 10)],
    ("2027-04-16", "Giỗ Tổ Hùng Vương"), ("2027-04-30", "Ngày Chiến thắng"), ("2027-05-03", "Nghỉ bù 1/5"),
    ("2027-09-02", "Quốc khánh"), ("2027-09-03", "Quốc khánh"),
]
WORKING_DAYS = [
    ("2019-01-05", "Làm bù cho 31/12/2018"),
    ("2019-05-04", "Làm bù cho 29/4/2019"),
    ("2024-05-04", "Làm bù cho 29/4/2024"),
    ("2025-05-17", "Làm bù cho 02/5/2025"),
]


def load(apps, schema_editor):
    holiday = apps.get_model("cases", "PublicHoliday")
    rows = [holiday(date=date.fromisoformat(d), kind="day_off", name=n) for d, n in DAYS_OFF]
    rows += [holiday(date=date.fromisoformat(d), kind="working_day", name=n) for d, n in WORKING_DAYS]
    existing = set(holiday.objects.values_list("date", flat=True))
    holiday.objects.bulk_create([row for row in rows if row.date not in existing])


def unload(apps, schema_editor):
    holiday = apps.get_model("cases", "PublicHoliday")
    holiday.objects.filter(date__in=[date.fromisoformat(d) for d, _ in DAYS_OFF + WORKING_DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
