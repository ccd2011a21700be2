"""Random sequences of editor actions, reference loads, changesets and restarts never lose an
editor's value or a published value, and history holds every value ever shown."""

import csv
import io
import shutil
import string

import pytest
import yaml
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.corrections import record_correction, withdraw_correction
from surveys.importing import import_answers
from surveys.loading import DATA_DIR, load_reference_data
from surveys.models import Answer, Body, Correction, Publication

words = st.text(alphabet=string.ascii_letters, min_size=1, max_size=8)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), words),
        st.tuples(st.just("correct"), st.booleans()),
        st.tuples(st.just("withdraw"), st.integers(min_value=0, max_value=5)),
        st.tuples(st.just("import"), words),
        st.tuples(st.just("changeset"), words),
        st.tuples(st.just("restart"), st.none()),  # make run's setup step: load_obscc
    ),
    min_size=1,
    max_size=10,
)


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_no_editor_value_or_published_value_is_ever_lost(real_data, tmp_path_factory, sequence):
    data = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(DATA_DIR, data)
    with transaction.atomic():  # each generated example starts from the real data again
        World(data).run(sequence)
        transaction.set_rollback(True)


class World:
    """The expected state, kept beside the database and compared after every step."""

    def __init__(self, data):
        self.data = data
        self.kent = Body.objects.get(slug="kent")
        self.answer = Answer.objects.get(
            survey_return__body__slug="bedfordshire", system_type__slug="cctv-unspecified"
        )
        self.source = Publication.objects.get(code="PR2023-UPDATE")
        self.notes = self.loaded_notes = self.kent.notes  # the editor's and the files' value
        self.operates = self.answer.operates
        self.answer_notes = self.answer.notes
        self.shown = {("kent", self.notes), ("operates", self.operates)}

    def run(self, sequence):
        for action, arg in sequence:
            getattr(self, action)(arg)
            self.check()

    def edit(self, text):  # an editor changes a body's notes in the admin
        self.kent.refresh_from_db()
        self.kent.notes = self.notes = text
        self.kent.save()
        self.shown.add(("kent", text))

    def correct(self, value):
        c = record_correction(
            Correction(
                answer=self.answer,
                answer_field="operates",
                new_value="yes" if value else "no",
                reason="Synthetic test correction",
                source=self.source,
            )
        )
        self.operates = value
        self.shown.add(("operates", value))
        assert c.pk

    def withdraw(self, index):
        in_force = list(self.answer.corrections.in_force().order_by("pk"))
        if not in_force:
            return
        c = in_force[index % len(in_force)]
        shown = {True: "yes", False: "no", None: "not known"}[self.operates]
        withdraw_correction(c, reason="Synthetic test withdrawal")
        if shown == c.new_value:
            self.operates = {"yes": True, "no": False, "not known": None}[c.old_value]
            self.shown.add(("operates", self.operates))

    def import_(self, text):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["body", "round", "system_type", "source", "notes"])
        writer.writerow(["bedfordshire", "2022", "cctv-unspecified", "EPOCH2022", text])
        result = import_answers(io.BytesIO(out.getvalue().encode()), filename="step.csv")
        assert result.ok, result.errors
        self.answer_notes = text

    def changeset(self, text):  # a new version of the reference files changes Kent's notes
        path = self.data / "bodies.yaml"
        rows = yaml.safe_load(path.read_text())
        next(row for row in rows if row["slug"] == "kent")["notes"] = text
        path.write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False))
        report = load_reference_data(self.data)
        if text != self.loaded_notes:
            if self.notes == self.loaded_notes:  # nobody edited it since: the file applies
                self.notes = self.loaded_notes = text
                self.shown.add(("kent", text))
            elif self.notes == text:
                self.loaded_notes = text
            else:
                assert ("notes", self.notes, text) in {
                    (c.field, c.database, c.file) for c in report.conflicts
                }

    def restart(self, _):
        call_command("load_obscc", data_dir=self.data, stdout=io.StringIO())

    def check(self):
        self.kent.refresh_from_db()
        self.answer.refresh_from_db()
        assert self.kent.notes == self.notes
        assert self.answer.operates == self.operates
        assert self.answer.notes == self.answer_notes
        assert list(self.answer.vendors.values_list("name", flat=True)) == ["Hikvision"]
        history = {("kent", h.notes) for h in self.kent.history.all()}
        history |= {("operates", h.operates) for h in self.answer.history.all()}
        assert self.shown <= history


setattr(World, "import", World.import_)  # noqa: B010 (a step is named by its action)
