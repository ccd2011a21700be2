"""Migration 0013 moves each answer's one kind of facial recognition into its set of kinds and
renames a correction of it, and moves them back when reversed."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("surveys", "0012_publication_licence_date_not_stated")]
AFTER = [("surveys", "0013_answer_kinds_vendor_roles")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_each_answers_kind_becomes_its_set_of_kinds_and_back():
    try:
        apps = migrate(BEFORE)
        model = lambda name: apps.get_model("surveys", name)  # noqa: E731
        source = model("Publication").objects.create(
            code="TESTMIG",
            title="Synthetic test publication",
            kind="final_report",
            date_precision="not_stated",
        )
        survey_round = model("SurveyRound").objects.create(
            year=2020, invitations_sent_on=datetime.date(2020, 6, 1)
        )
        body = model("Body").objects.create(
            name="Northshire Police",
            short_name="Northshire",
            slug="northshire",
            kind="territorial",
            nation="england",
            region="Test Region",
            source=source,
        )
        survey_return = model("Return").objects.create(
            body=body, survey_round=survey_round, status="responded", source=source
        )
        fr = model("SystemType").objects.create(slug="facial-recognition", name="FR", position=1)
        drones = model("SystemType").objects.create(slug="drones", name="Drones", position=2)
        live = model("Answer").objects.create(
            survey_return=survey_return, system_type=fr, kind="live", source=source
        )
        model("Answer").objects.create(
            survey_return=survey_return, system_type=drones, source=source
        )
        model("Correction").objects.create(
            answer=live,
            answer_field="kind",
            old_value="not stated",
            new_value="live",
            reason="Synthetic test",
            source=source,
            status="published",
        )

        apps = migrate(AFTER)
        kinds = apps.get_model("surveys", "AnswerKind").objects.values_list("answer_id", "kind")
        assert list(kinds) == [(live.pk, "live")]
        correction = apps.get_model("surveys", "Correction").objects.get()
        assert correction.answer_field == "kinds"

        apps = migrate(BEFORE)
        answers = apps.get_model("surveys", "Answer").objects.order_by("pk")
        assert list(answers.values_list("kind", flat=True)) == ["live", ""]
        assert apps.get_model("surveys", "Correction").objects.get().answer_field == "kind"
    finally:
        # Back to the latest migration, so the tests after this one find every table.
        executor = MigrationExecutor(connection)
        migrate(executor.loader.graph.leaf_nodes("surveys"))
