from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_case_change_outbox'),
    ]

    operations = [
        migrations.AddField(
            model_name='party',
            name='name_folded',
            field=models.CharField(default='', editable=False, max_length=255, verbose_name='name (for search)'),
        ),
    ]
