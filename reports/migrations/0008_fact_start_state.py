import datetime

from django.db import migrations, models


def drop_old_rows(apps, schema_editor):
    """Rows written before hold no start state: drop them and mark the facts unbuilt, so that the engine reads
    the events until `manage.py facts_rebuild` runs (a database without fact rows keeps its coverage)."""
    CaseYearFact = apps.get_model("reports", "CaseYearFact")
    FactsCoverage = apps.get_model("reports", "FactsCoverage")
    if CaseYearFact.objects.exists():
        if schema_editor.connection.vendor == "postgresql":  # a national table: no dead rows left behind
            schema_editor.execute(f"TRUNCATE {CaseYearFact._meta.db_table}")
        else:
            CaseYearFact.objects.all().delete()
        FactsCoverage.objects.filter(pk=1).update(complete_through=None)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0007_job_heartbeat_attempts'),
    ]

    operations = [
        migrations.RunPython(drop_old_rows, migrations.RunPython.noop),
        migrations.AddField(
            model_name='caseyearfact',
            name='accepted_on',
            field=models.DateField(default=datetime.date(2000, 1, 1), verbose_name='statistical acceptance date'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='caseyearfact',
            name='first_stat_date',
            field=models.DateField(blank=True, null=True, verbose_name='first statistical date in the year'),
        ),
        migrations.AddField(
            model_name='caseyearfact',
            name='ground_start',
            field=models.CharField(blank=True, default='', max_length=32, verbose_name='ground at the start'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='caseyearfact',
            name='remaining_start',
            field=models.BigIntegerField(default=0, verbose_name='remaining at the start (VND)'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='caseyearfact',
            name='status_start',
            field=models.CharField(default='with_conditions', max_length=32, verbose_name='status at the start'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='caseyearfact',
            name='terminated_start',
            field=models.BigIntegerField(default=0, verbose_name='terminated to the start (VND)'),
            preserve_default=False,
        ),
    ]
