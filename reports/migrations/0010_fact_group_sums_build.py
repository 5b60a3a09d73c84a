from django.db import migrations


def build_sums(apps, schema_editor):
    """Sum the fact rows already stored (a database whose facts were built): the engine reads a covered year's
    sums from now on, so they must hold before it does. Set-based (seconds at a million cases). Calls the
    current code on purpose: the sums are the engine's aggregate, and a database without facts skips it."""
    CaseYearFact = apps.get_model("reports", "CaseYearFact")
    if CaseYearFact.objects.exists():
        from reports.facts import fact_sums_rebuild

        fact_sums_rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0009_fact_group_sums'),
    ]

    operations = [
        migrations.RunPython(build_sums, migrations.RunPython.noop),
    ]
