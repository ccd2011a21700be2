# Which round each answer is of, kept by the database: see surveys/models/answer_rounds.py.

import django.db.models.deletion
from django.db import migrations, models

UPSERT = {
    "postgresql": (
        "INSERT INTO surveys_answerround (answer_id, survey_round_id) {select} "
        "ON CONFLICT (answer_id) DO UPDATE SET survey_round_id = EXCLUDED.survey_round_id"
    ),
    "sqlite": "INSERT OR REPLACE INTO surveys_answerround (answer_id, survey_round_id) {select}",
}

# Every answer's round: filled once, then kept by the triggers.
FILL = (
    "SELECT a.id, r.survey_round_id FROM surveys_answer a "
    "JOIN surveys_return r ON r.id = a.survey_return_id"
)

POSTGRESQL = [
    # Answers inserted (a statement at a time: COPY inserts hundreds of thousands at once).
    """CREATE FUNCTION surveys_answer_rounds_answers_inserted() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
        {upsert};
        RETURN NULL;
    END $$""".format(
        upsert=UPSERT["postgresql"].format(
            select="SELECT a.id, r.survey_round_id FROM inserted_answers a "
            "JOIN surveys_return r ON r.id = a.survey_return_id"
        )
    ),
    """CREATE TRIGGER answer_rounds_answers_inserted AFTER INSERT ON surveys_answer
    REFERENCING NEW TABLE AS inserted_answers FOR EACH STATEMENT
    EXECUTE FUNCTION surveys_answer_rounds_answers_inserted()""",
    # Returns inserted after their answers (the foreign keys are checked at commit).
    """CREATE FUNCTION surveys_answer_rounds_returns_inserted() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
        {upsert};
        RETURN NULL;
    END $$""".format(
        upsert=UPSERT["postgresql"].format(
            select="SELECT a.id, r.survey_round_id FROM inserted_returns r "
            "JOIN surveys_answer a ON a.survey_return_id = r.id"
        )
    ),
    """CREATE TRIGGER answer_rounds_returns_inserted AFTER INSERT ON surveys_return
    REFERENCING NEW TABLE AS inserted_returns FOR EACH STATEMENT
    EXECUTE FUNCTION surveys_answer_rounds_returns_inserted()""",
    # An answer moved to another return.
    """CREATE FUNCTION surveys_answer_rounds_answer_moved() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
        {upsert};
        RETURN NULL;
    END $$""".format(
        upsert=UPSERT["postgresql"].format(
            select="SELECT NEW.id, r.survey_round_id FROM surveys_return r "
            "WHERE r.id = NEW.survey_return_id"
        )
    ),
    """CREATE TRIGGER answer_rounds_answer_moved AFTER UPDATE OF survey_return_id
    ON surveys_answer FOR EACH ROW
    WHEN (OLD.survey_return_id IS DISTINCT FROM NEW.survey_return_id)
    EXECUTE FUNCTION surveys_answer_rounds_answer_moved()""",
    # A return moved to another round.
    """CREATE FUNCTION surveys_answer_rounds_return_moved() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
        UPDATE surveys_answerround SET survey_round_id = NEW.survey_round_id
        WHERE answer_id IN (SELECT id FROM surveys_answer WHERE survey_return_id = NEW.id);
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER answer_rounds_return_moved AFTER UPDATE OF survey_round_id
    ON surveys_return FOR EACH ROW
    WHEN (OLD.survey_round_id IS DISTINCT FROM NEW.survey_round_id)
    EXECUTE FUNCTION surveys_answer_rounds_return_moved()""",
    # Answers deleted, or every answer at once.
    """CREATE FUNCTION surveys_answer_rounds_answers_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
        DELETE FROM surveys_answerround WHERE answer_id IN (SELECT id FROM deleted_answers);
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER answer_rounds_answers_deleted AFTER DELETE ON surveys_answer
    REFERENCING OLD TABLE AS deleted_answers FOR EACH STATEMENT
    EXECUTE FUNCTION surveys_answer_rounds_answers_deleted()""",
    """CREATE FUNCTION surveys_answer_rounds_answers_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
        DELETE FROM surveys_answerround;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER answer_rounds_answers_truncated AFTER TRUNCATE ON surveys_answer
    FOR EACH STATEMENT EXECUTE FUNCTION surveys_answer_rounds_answers_truncated()""",
]
# Fired always, even where a session skips the ordinary triggers (session_replication_role =
# replica, as the synthetic generator's COPY does to skip the foreign-key checks).
POSTGRESQL += [
    f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {trigger}"
    for table, trigger in [
        ("surveys_answer", "answer_rounds_answers_inserted"),
        ("surveys_return", "answer_rounds_returns_inserted"),
        ("surveys_answer", "answer_rounds_answer_moved"),
        ("surveys_return", "answer_rounds_return_moved"),
        ("surveys_answer", "answer_rounds_answers_deleted"),
        ("surveys_answer", "answer_rounds_answers_truncated"),
    ]
]
POSTGRESQL_FUNCTIONS = [
    "surveys_answer_rounds_answers_inserted",
    "surveys_answer_rounds_returns_inserted",
    "surveys_answer_rounds_answer_moved",
    "surveys_answer_rounds_return_moved",
    "surveys_answer_rounds_answers_deleted",
    "surveys_answer_rounds_answers_truncated",
]

SQLITE = [
    """CREATE TRIGGER answer_rounds_answer_inserted AFTER INSERT ON surveys_answer BEGIN
        {};
    END""".format(
        UPSERT["sqlite"].format(
            select="SELECT NEW.id, r.survey_round_id FROM surveys_return r "
            "WHERE r.id = NEW.survey_return_id"
        )
    ),
    """CREATE TRIGGER answer_rounds_return_inserted AFTER INSERT ON surveys_return BEGIN
        {};
    END""".format(
        UPSERT["sqlite"].format(
            select="SELECT a.id, NEW.survey_round_id FROM surveys_answer a "
            "WHERE a.survey_return_id = NEW.id"
        )
    ),
    """CREATE TRIGGER answer_rounds_answer_moved AFTER UPDATE OF survey_return_id
    ON surveys_answer WHEN OLD.survey_return_id IS NOT NEW.survey_return_id BEGIN
        {};
    END""".format(
        UPSERT["sqlite"].format(
            select="SELECT NEW.id, r.survey_round_id FROM surveys_return r "
            "WHERE r.id = NEW.survey_return_id"
        )
    ),
    """CREATE TRIGGER answer_rounds_return_moved AFTER UPDATE OF survey_round_id
    ON surveys_return WHEN OLD.survey_round_id IS NOT NEW.survey_round_id BEGIN
        UPDATE surveys_answerround SET survey_round_id = NEW.survey_round_id
        WHERE answer_id IN (SELECT id FROM surveys_answer WHERE survey_return_id = NEW.id);
    END""",
    """CREATE TRIGGER answer_rounds_answer_deleted AFTER DELETE ON surveys_answer BEGIN
        DELETE FROM surveys_answerround WHERE answer_id = OLD.id;
    END""",
]
SQLITE_TRIGGERS = [
    "answer_rounds_answer_inserted",
    "answer_rounds_return_inserted",
    "answer_rounds_answer_moved",
    "answer_rounds_return_moved",
    "answer_rounds_answer_deleted",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise RuntimeError(f"No answer-round triggers for {vendor}: PostgreSQL or SQLite only.")
    schema_editor.execute(UPSERT[vendor].format(select=FILL))
    for statement in statements:
        schema_editor.execute(statement)
    if vendor == "postgresql":  # plans for the table filled, before autovacuum gets to it
        schema_editor.execute("ANALYZE surveys_answerround")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in POSTGRESQL_FUNCTIONS:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}() CASCADE")
    else:
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0017_read_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='AnswerRound',
            fields=[
                ('answer', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='placement', serialize=False, to='surveys.answer')),
                ('survey_round', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='surveys.surveyround')),
            ],
            options={
                'indexes': [models.Index(fields=['survey_round', 'answer'], name='answer_round_in_order')],
            },
        ),
        migrations.RunPython(install, uninstall),
        migrations.AddIndex(
            model_name='return',
            index=models.Index(fields=['survey_round', 'id'], name='return_round_in_order'),
        ),
    ]
