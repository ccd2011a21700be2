# An answer's kind of facial recognition becomes a set of kinds (AnswerKind rows, copied from
# the old column); a vendor an answer names gets a role (equipment unless a source says
# otherwise); a correction of the kinds is answer_field "kinds".

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

REASON = "migration 0013: an answer's kind became its set of kinds"


def kinds_from_kind(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not the router's choice
    Answer = apps.get_model("surveys", "Answer")
    AnswerKind = apps.get_model("surveys", "AnswerKind")
    HistoricalAnswerKind = apps.get_model("surveys", "HistoricalAnswerKind")
    now = timezone.now()
    for answer_id, kind in Answer.objects.using(db).exclude(kind="").values_list("pk", "kind"):
        link = AnswerKind.objects.using(db).create(answer_id=answer_id, kind=kind)
        HistoricalAnswerKind.objects.using(db).create(
            id=link.pk,
            answer_id=answer_id,
            kind=kind,
            history_date=now,
            history_type="+",
            history_change_reason=REASON,
        )
    for name in ("Correction", "HistoricalCorrection"):
        apps.get_model("surveys", name).objects.using(db).filter(answer_field="kind").update(
            answer_field="kinds"
        )


def kind_from_kinds(apps, schema_editor):
    """Back to one kind an answer: the first of its kinds (the others are lost)."""
    db = schema_editor.connection.alias
    Answer = apps.get_model("surveys", "Answer")
    AnswerKind = apps.get_model("surveys", "AnswerKind")
    first = {}
    for answer_id, kind in AnswerKind.objects.using(db).order_by("answer_id", "kind").values_list(
        "answer_id", "kind"
    ):
        first.setdefault(answer_id, kind)
    for answer_id, kind in first.items():
        Answer.objects.using(db).filter(pk=answer_id).update(kind=kind)
    for name in ("Correction", "HistoricalCorrection"):
        apps.get_model("surveys", name).objects.using(db).filter(answer_field="kinds").update(
            answer_field="kind"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0012_publication_licence_date_not_stated"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="answervendor",
            name="role",
            field=models.CharField(
                choices=[
                    ("equipment", "Equipment maker"),
                    ("software", "Software (video management system)"),
                ],
                default="equipment",
                help_text='What the source says the vendor supplies: only an equipment maker counts toward "uses a vendor named as of concern".',
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="historicalanswervendor",
            name="role",
            field=models.CharField(
                choices=[
                    ("equipment", "Equipment maker"),
                    ("software", "Software (video management system)"),
                ],
                default="equipment",
                help_text='What the source says the vendor supplies: only an equipment maker counts toward "uses a vendor named as of concern".',
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="kind_source",
            field=models.ForeignKey(
                blank=True,
                help_text="The source of the kinds of facial recognition. Empty: the answer's source.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="surveys.publication",
            ),
        ),
        migrations.AlterField(
            model_name="correction",
            name="answer_field",
            field=models.CharField(
                blank=True,
                choices=[
                    ("operates", "Operates the system"),
                    ("aware_of_concerns", "Aware of concerns"),
                    ("intent", "Future use"),
                    ("vendors", "Vendors named"),
                    ("kinds", "Kinds of facial recognition"),
                    ("unit_count", "Units"),
                    ("says_vendor_of_concern", "Says it uses a vendor of concern"),
                    ("notes", "Notes"),
                    ("status", "Response status (a return)"),
                ],
                help_text="For an answer or a return: which field the correction changes.",
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="historicalanswer",
            name="kind_source",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The source of the kinds of facial recognition. Empty: the answer's source.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="surveys.publication",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcorrection",
            name="answer_field",
            field=models.CharField(
                blank=True,
                choices=[
                    ("operates", "Operates the system"),
                    ("aware_of_concerns", "Aware of concerns"),
                    ("intent", "Future use"),
                    ("vendors", "Vendors named"),
                    ("kinds", "Kinds of facial recognition"),
                    ("unit_count", "Units"),
                    ("says_vendor_of_concern", "Says it uses a vendor of concern"),
                    ("notes", "Notes"),
                    ("status", "Response status (a return)"),
                ],
                help_text="For an answer or a return: which field the correction changes.",
                max_length=30,
            ),
        ),
        migrations.CreateModel(
            name="HistoricalAnswerKind",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("live", "Live"),
                            ("retrospective", "Retrospective"),
                            ("operator_initiated", "Operator-initiated (mobile phone)"),
                            ("database_access", "Access to national image databases"),
                            ("other", "Other (national image databases PND and CAID, and Athena)"),
                        ],
                        max_length=20,
                        verbose_name="kind of facial recognition",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "answer",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="surveys.answer",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical answer kind",
                "verbose_name_plural": "historical answer kinds",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="AnswerKind",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("live", "Live"),
                            ("retrospective", "Retrospective"),
                            ("operator_initiated", "Operator-initiated (mobile phone)"),
                            ("database_access", "Access to national image databases"),
                            ("other", "Other (national image databases PND and CAID, and Athena)"),
                        ],
                        max_length=20,
                        verbose_name="kind of facial recognition",
                    ),
                ),
                (
                    "answer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answer_kinds",
                        to="surveys.answer",
                    ),
                ),
            ],
            options={
                "ordering": ["answer", "kind"],
                "constraints": [
                    models.UniqueConstraint(fields=("answer", "kind"), name="kind_once_per_answer")
                ],
            },
        ),
        migrations.RunPython(kinds_from_kind, kind_from_kinds),
        migrations.RemoveField(
            model_name="answer",
            name="kind",
        ),
        migrations.RemoveField(
            model_name="historicalanswer",
            name="kind",
        ),
    ]
