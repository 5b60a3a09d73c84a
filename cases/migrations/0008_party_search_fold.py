"""Party names are folded without diacritics (thads.core.text.fold) so "dang kim cuong" finds "Đặng Kim
Cường"; on PostgreSQL, trigram indexes make substring searches of names and case and decision numbers
fast at national scale (SQLite scans: fine for an office)."""
from django.db import migrations

from thads.core.text import fold

TRIGRAM_INDEXES = [
    "CREATE INDEX IF NOT EXISTS party_name_folded_trgm ON cases_party USING gin (name_folded gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS case_no_upper_trgm ON cases_case USING gin ((UPPER(case_no::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS case_decision_no_upper_trgm ON cases_case "
    "USING gin ((UPPER(decision_no::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS party_id_number_prefix ON cases_party (id_number varchar_pattern_ops)",
]


def refold(apps, schema_editor):
    Party = apps.get_model("cases", "Party")
    batch = []
    for party in Party.objects.only("id", "name").iterator(chunk_size=5000):
        party.name_folded = fold(party.name)
        batch.append(party)
        if len(batch) >= 5000:
            Party.objects.bulk_update(batch, ["name_folded"])
            batch = []
    if batch:
        Party.objects.bulk_update(batch, ["name_folded"])


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for sql in TRIGRAM_INDEXES:
        schema_editor.execute(sql)


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("party_name_folded_trgm", "case_no_upper_trgm", "case_decision_no_upper_trgm",
                 "party_id_number_prefix"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_event_corrections_and_party_corrections")]

    operations = [
        migrations.RunPython(refold, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
