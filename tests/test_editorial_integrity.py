"""Random sequences of editor actions, reference loads, changesets, conflicts resolved either
way, withdrawals (drafted, then published) and double publishes never lose an editor's value, a
published value or the source credited for it, and history holds every value ever shown."""

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

from surveys.editorial import corrections
from surveys.editorial.corrections import record_correction
from surveys.editorial.importing import import_answers
from surveys.editorial.loading import load_reference_data
from surveys.editorial.reference_conflicts import resolve_conflict
from surveys.editorial.reference_files import DATA_DIR
from surveys.models import Answer, Body, Correction, Publication, ReferenceRecord

words = st.text(alphabet=string.ascii_letters, min_size=1, max_size=8)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), words),
        st.tuples(st.just("correct"), st.tuples(st.booleans(), st.booleans())),
        st.tuples(st.just("withdraw"), st.integers(min_value=0, max_value=5)),
        st.tuples(st.just("double_publish"), st.booleans()),  # a double click on Publish
        st.tuples(st.just("resolve"), st.booleans()),  # take the files' value, or keep ours
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
        self.sources = [
            Publication.objects.get(code="PR2023-UPDATE"),
            Publication.objects.get(code="PR2023"),
        ]
        self.notes = self.loaded_notes = self.kent.notes  # the editor's and the files' value
        self.operates = self.answer.operates
        self.credited = self.answer.source_of("operates").code
        self.answer_notes = self.answer.notes
        self.replaced: dict[int, tuple] = {}  # a correction's pk: the value and credit before
        self.shown = {("kent", self.notes), ("operates", self.operates, self.credited)}

    def run(self, sequence):
        for action, arg in sequence:
            getattr(self, action)(arg)
            self.check()

    def edit(self, text):  # an editor changes a body's notes in the admin
        self.kent.refresh_from_db()
        self.kent.notes = self.notes = text
        self.kent.save()
        self.shown.add(("kent", text))

    def _correction(self, value, source) -> Correction:
        return Correction(
            answer=self.answer,
            answer_field="operates",
            new_value="yes" if value else "no",
            reason="Synthetic test correction",
            source=source,
        )

    def _published(self, c, value, source):
        self.replaced[c.pk] = (self.operates, self.credited)
        self.operates, self.credited = value, source.code
        self.shown.add(("operates", value, source.code))

    def correct(self, arg):
        value, which = arg
        source = self.sources[which]
        c = record_correction(self._correction(value, source))
        self._published(c, value, source)

    def double_publish(self, value):
        """Publish one draft twice (as a double click would): the second is refused."""
        draft = corrections.save_draft(self._correction(value, self.sources[0]))
        published = corrections.publish(draft, check_editor=False)
        with pytest.raises(corrections.PublishRefused):
            corrections.publish(draft, check_editor=False)
        self._published(published, value, self.sources[0])

    def withdraw(self, index):
        in_force = list(
            self.answer.corrections.in_force().filter(answer_field="operates").order_by("pk")
        )
        if not in_force:
            return
        c = in_force[index % len(in_force)]
        shown = {True: "yes", False: "no", None: "not known"}[self.operates]
        draft = corrections.draft_withdrawal(c, reason="Synthetic test withdrawal")
        self.check()  # a drafted withdrawal changes nothing
        corrections.publish_withdrawal(draft, check_editor=False)
        with pytest.raises(corrections.PublishRefused):  # a double click
            corrections.publish_withdrawal(draft, check_editor=False)
        if shown == c.new_value:  # not changed since: the value and its credit come back
            value, credited = self.replaced[c.pk]
            if self.credited == c.source.code:
                self.credited = credited
            self.operates = value
            self.shown.add(("operates", self.operates, self.credited))

    def resolve(self, take_file):
        record = ReferenceRecord.objects.get(model="surveys.body", object_id=self.kent.pk)
        if not record.conflicts:
            return
        file_value = record.conflicts["notes"]
        resolve_conflict(record, take_file=take_file)
        self.loaded_notes = file_value
        if take_file:
            self.notes = file_value
            self.shown.add(("kent", file_value))

    def import_(self, text):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["body", "round", "system_type", "source", "notes"])
        writer.writerow(["bedfordshire", "2022", "cctv-unspecified", "EPOCH2022", text])
        result = import_answers(
            io.BytesIO(out.getvalue().encode()),
            filename="step.csv",
            reason="Synthetic test: notes",  # a note is public: its change is a correction
        )
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
        assert self.answer.source_of("operates").code == self.credited
        assert self.answer.notes == self.answer_notes
        assert list(self.answer.vendors.values_list("name", flat=True)) == ["Hikvision"]
        history = {("kent", h.notes) for h in self.kent.history.all()}
        history |= {
            ("operates", h.operates, (h.operates_source or h.source).code)
            for h in self.answer.history.all()
        }
        assert self.shown <= history


setattr(World, "import", World.import_)  # noqa: B010 (a step is named by its action)
