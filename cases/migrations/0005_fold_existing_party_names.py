"""Data: fill Party.name_folded for the parties recorded before the column existed."""
from django.db import migrations


def fold(apps, schema_editor):
    party = apps.get_model("cases", "Party")
    for row in party.objects.only("pk", "name").iterator():
        party.objects.filter(pk=row.pk).update(name_folded=row.name.casefold())


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_party_name_folded")]
    operations = [migrations.RunPython(fold, migrations.RunPython.noop)]
