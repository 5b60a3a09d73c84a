"""The change feed's position (cases.services.changes): the rows already written keep their id as their
position, so a cursor a bank holds (an id until now) stays valid and means the same; the relay numbers new
rows from the highest id + 1. The partial index (rows still to number) is built once they are all numbered."""
from django.db import migrations, models
from django.db.models import F


def positions_from_ids(apps, schema_editor):
    apps.get_model("cases", "CaseChange").objects.filter(position__isnull=True).update(position=F("id"))


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_case_change_payload_and_kinds'),
    ]

    operations = [
        migrations.AddField(
            model_name='casechange',
            name='position',
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True,
                                         verbose_name='feed position'),
        ),
        migrations.RunPython(positions_from_ids, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='casechange',
            index=models.Index(condition=models.Q(('position__isnull', True)), fields=['id'],
                               name='casechange_unnumbered'),
        ),
    ]
