"""The return form: one group of questions per system type the round asks about, read from
the POST by the rules every route uses (surveys.collection.return_values.read_answer), and
the person submitting. Errors are kept per field for the GOV.UK pattern: a summary linking to
each field's id, and the message beside the field."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms

from surveys.collection.return_values import AnswerData, read_answer
from surveys.limits import NOTES_MAX
from surveys.models import Answer, CollectionSystemType
from surveys.models.collection import NAME_MAX, OTHER_VENDORS_MAX
from surveys.values import ANSWER_KINDS, Intent

YES_NO = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]
INTENT = [(value or "not_stated", label) for value, label in Intent.choices]
LABELS = {
    "operates": "Does the body operate it",
    "vendors": "Vendors",
    "other_vendors": "Other vendors",
    "unit_count": "Number of units",
    "aware_of_concerns": "Aware of security or ethical concerns",
    "intent": "Future use",
    "kinds": "Kinds of facial recognition",
    "notes": "Notes",
}
CHOICE_FIELDS = {"operates", "vendors", "aware_of_concerns", "intent", "kinds"}


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[value]


@dataclass
class TypeForm:
    """The questions about one system type: the values as shown, and any errors by field."""

    asked: CollectionSystemType
    values: dict
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return self.asked.system_type.slug

    @property
    def asks_kinds(self) -> bool:
        return Answer.kinds_allowed(["live"], self.asked.system_type)

    def field_id(self, name: str) -> str:
        """The id an error links to: a group of choices' first option, else the field."""
        suffix = "-0" if name in CHOICE_FIELDS else ""
        return f"{self.prefix}-{name}{suffix}"

    @classmethod
    def shown(cls, asked: CollectionSystemType, answer: AnswerData | None) -> TypeForm:
        answer = answer or AnswerData()
        return cls(
            asked,
            {
                "operates": _yes_no(answer.operates),
                "vendors": [str(pk) for pk in answer.vendor_ids],
                "other_vendors": answer.other_vendors,
                "unit_count": "" if answer.unit_count is None else str(answer.unit_count),
                "aware_of_concerns": _yes_no(answer.aware_of_concerns),
                "intent": answer.intent or "not_stated",
                "kinds": list(answer.kinds),
                "notes": answer.notes,
            },
        )

    @classmethod
    def posted(
        cls, asked: CollectionSystemType, data, vendor_ids: set[int]
    ) -> tuple[TypeForm, AnswerData | None]:
        prefix = asked.system_type.slug
        values = {
            name: data.get(f"{prefix}-{name}", "")
            for name in ("operates", "other_vendors", "unit_count", "aware_of_concerns")
        }
        values["intent"] = data.get(f"{prefix}-intent", "not_stated")
        values["notes"] = data.get(f"{prefix}-notes", "").replace("\r\n", "\n")
        values["vendors"] = data.getlist(f"{prefix}-vendors")
        values["kinds"] = data.getlist(f"{prefix}-kinds")
        form = cls(asked, values)
        written = {
            name: values[name] for name in ("operates", "aware_of_concerns", "intent", "notes")
        }
        if asked.asks_unit_count:
            written["unit_count"] = values["unit_count"]
        if form.asks_kinds:
            written["kinds"] = "; ".join(values["kinds"])
        chosen = [int(v) for v in values["vendors"] if v.isdigit() and int(v) in vendor_ids]
        if len(chosen) != len(values["vendors"]):
            form.errors["vendors"] = "Choose vendors from the list"
        answer, errors = read_answer(
            written, asked=asked, vendor_ids=chosen, other_vendors=values["other_vendors"]
        )
        for name, message in errors:
            name = name if name in LABELS else "operates"
            form.errors.setdefault(name, _sentence(name, message))
        return form, (None if form.errors else answer)

    def summary(self) -> list[tuple[str, str]]:
        """(link, message) for the error summary, in the order the fields are asked."""
        name = self.asked.system_type.name
        return [
            (f"#{self.field_id(key)}", f"{name}, {LABELS[key].lower()}: {self.errors[key]}")
            for key in LABELS
            if key in self.errors
        ]


def _sentence(name: str, message: str) -> str:
    """A shared rule's message ("says the body does not operate it, ...", "must be ...") as
    the form says it, beside the field and in the summary."""
    if message.startswith("says "):
        message = f"This answer {message}"
    elif message.startswith(("must ", "is ", "contains ")):
        message = f"{LABELS[name]} {message}"
    return message[0].upper() + message[1:]


class SubmitForm(forms.Form):
    name = forms.CharField(
        label="Your full name",
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter your full name",
            "max_length": f"Your name must be {NAME_MAX} characters or fewer",
        },
    )
    role = forms.CharField(
        label="Your role",
        max_length=NAME_MAX,
        help_text="For example, Head of information management.",
        error_messages={
            "required": "Enter your role",
            "max_length": f"Your role must be {NAME_MAX} characters or fewer",
        },
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Your completed questionnaire (.xlsx or .csv)",
        error_messages={"required": "Choose the file to upload", "empty": "The file is empty"},
    )


LIMITS = {"notes": NOTES_MAX, "other_vendors": OTHER_VENDORS_MAX}
KINDS = ANSWER_KINDS
