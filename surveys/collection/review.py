"""The editors' review of a submitted return: every value it gives, the change it would make to
each public figure, and what an editor does with it: accept it, return it to the body with a
message, or change its values (matching "other vendors" text to the vendor list, say).

Every save of a return goes up a version (a body's form open on an older version is then
refused) and records who: ``saved_by``, the history's user and its change reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from surveys.collection import publishing
from surveys.editorial import previews
from surveys.limits import NOTES_MAX, REASON_MAX
from surveys.models import OnlineAnswer, OnlineReturn, Vendor
from surveys.models.collection import OTHER_VENDORS_MAX
from surveys.values import ANSWER_KINDS, Intent, count_text, intent_text, kinds_text, yes_no_text

FACIAL_RECOGNITION = "facial-recognition"
Status = OnlineReturn.Status


class ReviewRefused(ValueError):
    """The action does not fit the return as it is now; nothing was written."""


@dataclass(frozen=True)
class ShownAnswer:
    system_type: str
    values: list[tuple[str, str]]


def shown_answers(online_return: OnlineReturn) -> list[ShownAnswer]:
    """Every value of the return, per system type the round asks about, as an editor reads it;
    a type the body left unanswered says so."""
    answers = {a.system_type_id: a for a in online_return.answers.all()}
    shown = []
    coverage = online_return.invitation.collection.coverage.select_related("system_type")
    for row in coverage:
        answer = answers.get(row.system_type_id)
        if answer is None:
            shown.append(ShownAnswer(row.system_type.name, [("Answer", "not answered")]))
            continue
        vendors = "; ".join(sorted(v.name for v in answer.vendors.all())) or "none named"
        values = [
            ("Operates it", yes_no_text(answer.operates)),
            ("Vendors", vendors),
            ("Other vendors (as typed)", answer.other_vendors or "none"),
            ("Units", count_text(answer.unit_count)),
            ("Aware of security or ethical concerns", yes_no_text(answer.aware_of_concerns)),
            ("Future use", intent_text(answer.get_intent_display() if answer.intent else "")),
        ]
        if row.system_type.slug == FACIAL_RECOGNITION:
            values.append(("Kinds of facial recognition", kinds_text(answer.kinds)))
        values.append(("Notes", answer.notes or "none"))
        shown.append(ShownAnswer(row.system_type.name, values))
    return shown


def locked(online_return: OnlineReturn) -> OnlineReturn:
    return OnlineReturn.objects.select_for_update().get(pk=online_return.pk)


def _saved(online_return: OnlineReturn, *, user, reason: str) -> None:
    online_return.version += 1
    online_return.saved_by = f"editor {user}" if user else "editor"
    online_return._history_user = user
    online_return._change_reason = reason
    online_return.save()


@transaction.atomic
def accept(online_return: OnlineReturn, *, user) -> OnlineReturn:
    """The return is checked: it will be published as the body's response."""
    online_return = locked(online_return)
    if online_return.status != Status.SUBMITTED:
        raise ReviewRefused(
            f"Only a submitted return can be accepted; this one is "
            f"{online_return.get_status_display().lower()}."
        )
    online_return.status = Status.ACCEPTED
    _saved(online_return, user=user, reason=f"Accepted by {user}")
    return online_return


@transaction.atomic
def reopen(online_return: OnlineReturn, *, message: str, user) -> OnlineReturn:
    """Return it to the body with a message it sees on its link; it may edit and submit again."""
    message = message.strip()
    if not message:
        raise ReviewRefused("Say what the body should look at: the message is shown on its link.")
    if len(message) > REASON_MAX:
        raise ReviewRefused(f"The message is at most {REASON_MAX:,} characters.")
    online_return = locked(online_return)
    if online_return.status not in (Status.SUBMITTED, Status.ACCEPTED):
        raise ReviewRefused("Only a submitted or accepted return can be returned to the body.")
    if online_return.invitation.collection.published_at is not None:
        raise ReviewRefused("The round is published: its returns are closed.")
    online_return.status = Status.RETURNED
    online_return.editor_message = message
    _saved(online_return, user=user, reason=f"Returned to the body by {user}: {message}")
    return online_return


FIELDS = (
    "operates",
    "vendors",
    "other_vendors",
    "unit_count",
    "aware_of_concerns",
    "intent",
    "kinds",
    "notes",
)


def check_change(online_return: OnlineReturn, answers: Mapping[str, Mapping]) -> list[str]:
    """What is wrong with a change (by system type slug -> field values); empty when fine."""
    errors = []
    covered = {
        row.system_type.slug: row
        for row in online_return.invitation.collection.coverage.select_related("system_type")
    }
    known_vendors = set(Vendor.objects.values_list("pk", flat=True))
    kinds = {code for code, _ in ANSWER_KINDS}
    for slug, values in answers.items():
        row = covered.get(slug)
        if row is None:
            errors.append(f"{slug}: the round does not ask about this system type.")
            continue
        name = row.system_type.name
        if unknown := set(values) - set(FIELDS):
            errors.append(f"{name}: unknown field(s) {', '.join(sorted(unknown))}.")
        operates = values.get("operates")
        if operates not in (True, False, None):
            errors.append(f"{name}: operates is yes, no or not known.")
        units = values.get("unit_count")
        if units is not None and (not isinstance(units, int) or not 0 <= units < 10**9):
            errors.append(f"{name}: the number of units is a whole number.")
        if operates is False and (units is not None or values.get("vendors")):
            errors.append(f"{name}: says the body does not operate it, yet gives units or vendors.")
        if not set(values.get("vendors", [])) <= known_vendors:
            errors.append(f"{name}: a vendor chosen is not on the vendor list.")
        if values.get("intent", "") not in Intent.values:
            errors.append(f"{name}: unknown future use {values.get('intent')!r}.")
        if not set(values.get("kinds", [])) <= kinds:
            errors.append(f"{name}: unknown kind of facial recognition.")
        if values.get("kinds") and slug != FACIAL_RECOGNITION:
            errors.append(f"{name}: kinds apply only to facial recognition.")
        if len(values.get("other_vendors", "")) > OTHER_VENDORS_MAX:
            errors.append(f"{name}: other vendors is at most {OTHER_VENDORS_MAX} characters.")
        if len(values.get("notes", "")) > NOTES_MAX:
            errors.append(f"{name}: notes are at most {NOTES_MAX:,} characters.")
    return errors


def current_values(online_return: OnlineReturn) -> dict[str, dict]:
    """The return's answers in a change's shape: what an editor's form starts from."""
    values = {}
    for answer in online_return.answers.select_related("system_type").prefetch_related("vendors"):
        values[answer.system_type.slug] = {
            "operates": answer.operates,
            "vendors": sorted(v.pk for v in answer.vendors.all()),
            "other_vendors": answer.other_vendors,
            "unit_count": answer.unit_count,
            "aware_of_concerns": answer.aware_of_concerns,
            "intent": answer.intent,
            "kinds": list(answer.kinds),
            "notes": answer.notes,
        }
    return values


@transaction.atomic
def change(
    online_return: OnlineReturn, *, answers: Mapping[str, Mapping], version: int, user, reason: str
) -> OnlineReturn:
    """An editor's change to a submitted (or accepted) return's values, made from ``version``:
    refused if the return was saved since."""
    online_return = locked(online_return)
    if online_return.status not in (Status.SUBMITTED, Status.ACCEPTED):
        raise ReviewRefused("Only a submitted or accepted return's values are changed by editors.")
    if online_return.version != version:
        raise ReviewRefused(
            "The return was saved since this change was made: make the change again from the "
            "return as it is now."
        )
    if errors := check_change(online_return, answers):
        raise ReviewRefused(" ".join(errors))
    existing = {a.system_type.slug: a for a in online_return.answers.select_related("system_type")}
    coverage = {
        row.system_type.slug: row.system_type
        for row in online_return.invitation.collection.coverage.select_related("system_type")
    }
    why = f"Changed by {user}: {reason.strip()}" if reason.strip() else f"Changed by {user}"
    for slug, values in answers.items():
        answer = existing.get(slug) or OnlineAnswer(
            online_return=online_return, system_type=coverage[slug]
        )
        for name in FIELDS:
            if name != "vendors" and name in values:
                setattr(answer, name, values[name])
        answer._history_user = user
        answer._change_reason = why
        answer.save()
        if "vendors" in values:
            answer.vendors.set(values["vendors"])
    _saved(online_return, user=user, reason=why)
    return online_return


def preview(online_return: OnlineReturn, *, page: str = "") -> previews.Preview:
    """Each public figure with the round's accepted returns, and with this one added; and the
    chosen public page as it would be (all in a transaction that is rolled back)."""
    collection = online_return.invitation.collection
    others = publishing.accepted_returns(collection).exclude(pk=online_return.pk)
    this = publishing.returns_with_answers(OnlineReturn.objects.filter(pk=online_return.pk))
    year, body = collection.year, online_return.invitation.body
    built = {}

    def setup():
        built["round"] = publishing.write_round(collection, accepted=others)
        return [built["round"]]

    pages = [
        previews.PreviewPage(f"/?round={year}", f"Overview, {year}"),
        previews.PreviewPage(f"/forces/{body.slug}/", body.name),
        previews.PreviewPage(f"/forces/?round={year}", f"Forces and other bodies, {year}"),
    ]
    pages += [
        previews.PreviewPage(f"/systems/{row.system_type.slug}/", row.system_type.name)
        for row in collection.coverage.select_related("system_type")
    ]
    return previews.preview(
        lambda: publishing.add_return(built["round"], this.get()),
        rounds=[],
        setup=setup,
        pages=pages,
        page=page,
    )


def status_line(online_return: OnlineReturn) -> str:
    """Who submitted it and when, as the review page heads it."""
    if online_return.submitted_at is None:
        return online_return.get_status_display()
    when = timezone.localtime(online_return.submitted_at)
    role = f", {online_return.submitted_by_role}" if online_return.submitted_by_role else ""
    return (
        f"{online_return.get_status_display()}: submitted {when:%-d %B %Y, %H:%M} by "
        f"{online_return.submitted_by_name}{role}"
    )
