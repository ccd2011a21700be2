from django.db import migrations, models


def mark_every_round_for_rebuild(apps, schema_editor):
    """Every round's vendor links and cited publications are counted by the next rebuild."""
    apps.get_model("surveys", "SummaryDirty").objects.get_or_create(round_id=0)


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0020_survey_returns_publication'),
    ]

    operations = [
        migrations.AddField(
            model_name='roundtypesummary',
            name='vendor_links',
            field=models.PositiveIntegerField(default=0, help_text='Every vendor link of every answer recorded (answer_vendors rows).'),
        ),
        migrations.AddField(
            model_name='roundtypesummary',
            name='cited',
            field=models.JSONField(default=dict, help_text='Per metric of a published finding, per publication (id): the responding answers in its coverage citing it (stats.provenance).'),
        ),
        migrations.RunPython(mark_every_round_for_rebuild, migrations.RunPython.noop),
    ]
