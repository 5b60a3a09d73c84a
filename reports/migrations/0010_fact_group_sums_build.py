from django.db import migrations

# The kept group sums of every fiscal year from the stored fact rows, as reports.facts computed them when this
# migration was written (reports.facts._group_sums_select(""), the engine's aggregate of the facts): frozen here,
# so that a database migrating through 0010 runs the SQL of the schema as it stands at 0009, whatever the code of
# the day (a later figure, with its column added by a later migration, must not break this step). The engine
# reads these sums for a covered fiscal year; the nightly check (reports.facts.facts_check) compares them with
# the code of the day and repairs them.
COLUMNS = ("fiscal_year, unit_id, category, origin, officer_key, n_carried_over, n_new, n_transferred_out, "
           "n_completed, n_terminated, n_in_progress, n_postponed_or_suspended, n_without_conditions, "
           "m_carried_over, m_new, m_transferred_out, m_collected, m_reduced, m_terminated, m_in_progress, "
           "m_postponed_or_suspended, m_without_conditions")
SELECT = """
SELECT fiscal_year, unit_id, category, origin, COALESCE(officer_id, 0) AS officer_key, n_carried_over, n_new,
       n_transferred_out, n_completed, n_terminated, n_in_progress, n_postponed_or_suspended, n_without_conditions,
       m_carried_over, m_new, m_transferred_out, m_collected, m_reduced, m_terminated, m_in_progress,
       m_postponed_or_suspended, m_without_conditions FROM (WITH facts AS (
    SELECT f.fiscal_year AS fiscal_year, f.unit_id AS unit_id, f.category AS category, f.origin AS origin,
           f.officer_id AS officer_id,
           CASE WHEN f.carried THEN 1 ELSE 0 END AS carried, CASE WHEN f.is_new THEN 1 ELSE 0 END AS is_new,
           f.base_money AS base_money, f.status_end AS status_end, f.ground_end AS ground_end,
           f.remaining_end AS remaining_end, f.terminated_end AS terminated_end, f.collected AS collected,
           f.reduced AS reduced
    FROM reports_caseyearfact f
    WHERE 1 = 1
),
classified AS (
    SELECT fiscal_year, unit_id, category, origin, officer_id, carried, is_new, base_money, collected, reduced,
           remaining_end, terminated_end, status_end, ground_end,
           CASE WHEN status_end IN ('completed', 'terminated', 'transferred_out') THEN status_end
                WHEN status_end = 'with_conditions' OR (status_end = 'postponed' AND ground_end = 'c')
                    THEN 'in_progress'
                WHEN status_end IN ('postponed', 'suspended') THEN 'postponed_or_suspended'
                ELSE 'without_conditions' END AS outcome
    FROM facts
    WHERE carried = 1 OR is_new = 1
)
SELECT fiscal_year, unit_id, category, origin, officer_id,
       SUM(carried) AS n_carried_over,
       SUM(is_new) AS n_new,
       SUM(CASE WHEN outcome = 'transferred_out' THEN 1 ELSE 0 END) AS n_transferred_out,
       SUM(CASE WHEN outcome = 'completed' THEN 1 ELSE 0 END) AS n_completed,
       SUM(CASE WHEN outcome = 'terminated' THEN 1 ELSE 0 END) AS n_terminated,
       SUM(CASE WHEN outcome = 'in_progress' THEN 1 ELSE 0 END) AS n_in_progress,
       SUM(CASE WHEN outcome = 'postponed_or_suspended' THEN 1 ELSE 0 END) AS n_postponed_or_suspended,
       SUM(CASE WHEN outcome = 'without_conditions' THEN 1 ELSE 0 END) AS n_without_conditions,
       SUM(carried * base_money) AS m_carried_over,
       SUM(is_new * base_money) AS m_new,
       SUM(CASE WHEN outcome = 'transferred_out' THEN base_money ELSE 0 END) AS m_transferred_out,
       SUM(CASE WHEN outcome <> 'transferred_out' THEN collected ELSE 0 END) AS m_collected,
       SUM(CASE WHEN outcome <> 'transferred_out' THEN reduced ELSE 0 END) AS m_reduced,
       SUM(CASE WHEN outcome = 'terminated' THEN terminated_end ELSE 0 END) AS m_terminated,
       SUM(CASE WHEN outcome = 'in_progress' THEN remaining_end ELSE 0 END) AS m_in_progress,
       SUM(CASE WHEN outcome = 'postponed_or_suspended' THEN remaining_end ELSE 0 END) AS m_postponed_or_suspended,
       SUM(CASE WHEN outcome = 'without_conditions' THEN remaining_end ELSE 0 END) AS m_without_conditions
FROM classified
GROUP BY fiscal_year, unit_id, category, origin, officer_id
) sums
"""


def build_sums(apps, schema_editor):
    """Sum the fact rows already stored (a database whose facts were built), set-based (seconds at a million
    cases); a database without facts has nothing to sum."""
    CaseYearFact = apps.get_model("reports", "CaseYearFact")
    if not CaseYearFact.objects.exists():
        return
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the services' refreshes wait (reports.facts._lock_facts)
            cursor.execute("LOCK TABLE reports_caseyearfact IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("DELETE FROM reports_factgroupsum")
        cursor.execute(f"INSERT INTO reports_factgroupsum ({COLUMNS}) {SELECT} ORDER BY 1, 2, 3, 4, 5")


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0009_fact_group_sums'),
    ]

    operations = [
        migrations.RunPython(build_sums, migrations.RunPython.noop),
    ]
