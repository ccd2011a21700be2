"""Small helpers that build a named test world. Synthetic data for tests only."""

from __future__ import annotations

import datetime
import io
import itertools
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify

from surveys.editorial.corrections import record_correction
from surveys.editorial.importing import import_answers
from surveys.models import (
    Answer,
    AnswerVendor,
    Body,
    Correction,
    ImportDraft,
    Publication,
    PublishedFinding,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
    VendorConcern,
)

PASSWORD = "a-long-test-password-123"

_seq = itertools.count(1)


def publication(code: str = "", **fields) -> Publication:
    code = code or f"TEST{next(_seq)}"
    fields.setdefault("title", f"Synthetic test publication {code}")
    fields.setdefault("kind", Publication.Kind.FINAL_REPORT)
    return Publication.objects.create(code=code, **fields)


def release() -> Publication:
    """The synthetic press release that publishes findings (one per test database)."""
    found, _ = Publication.objects.get_or_create(
        code="TESTREL",
        defaults={"title": "Synthetic test release", "kind": Publication.Kind.PRESS_RELEASE},
    )
    return found


def survey_round(year: int, **fields) -> SurveyRound:
    fields.setdefault("invitations_sent_on", datetime.date(year, 6, 1))
    return SurveyRound.objects.create(year=year, **fields)


def body(name: str, *, source: Publication, **fields) -> Body:
    fields.setdefault("short_name", name)
    fields.setdefault("slug", slugify(name))
    fields.setdefault("kind", Body.Kind.TERRITORIAL)
    fields.setdefault("nation", Body.Nation.ENGLAND)
    fields.setdefault("region", "Test Region")
    return Body.objects.create(name=name, source=source, **fields)


def system_type(slug: str, position: int, **fields) -> SystemType:
    fields.setdefault("name", slug.replace("-", " ").title())
    return SystemType.objects.create(slug=slug, position=position, **fields)


def vendor(name: str, *, concern_source: Publication | None = None, **concern) -> Vendor:
    obj = Vendor.objects.create(name=name, slug=slugify(name))
    if concern_source is not None:
        VendorConcern.objects.create(
            vendor=obj, summary=f"Synthetic concern about {name}", source=concern_source, **concern
        )
    return obj


def survey_return(body: Body, survey_round: SurveyRound, status: str, source: Publication):
    return Return.objects.create(body=body, survey_round=survey_round, status=status, source=source)


def return_of(body: Body, survey_round: SurveyRound) -> Return:
    """The body's return for the round (the world fixture makes one per body and round)."""
    return body.returns.get(survey_round=survey_round)


def answer(survey_return: Return, system_type: SystemType, *, vendors=(), **fields) -> Answer:
    fields.setdefault("source", survey_return.source)
    obj = Answer.objects.create(survey_return=survey_return, system_type=system_type, **fields)
    for v in vendors:
        AnswerVendor.objects.create(answer=obj, vendor=v)
    return obj


def intent_corrected(body_slug: str, reason: str) -> Correction:
    """A published correction of a real body's facial-recognition answer: its intent is now
    "unsure" (synthetic: for tests of how a correction in force shows)."""
    answer = Answer.objects.get(
        survey_return__body__slug=body_slug, system_type__slug="facial-recognition"
    )
    return record_correction(
        Correction(
            answer=answer,
            answer_field="intent",
            new_value="unsure",
            reason=reason,
            source=answer.source,
        )
    )


def finding(world, key: str, **fields) -> PublishedFinding:
    """A published finding of a synthetic release about the world's 2020 round and external
    CCTV, unless the fields say otherwise (``system_type=None`` for a finding about no type).
    The release is not the world's report, which the returns and answers cite: a finding
    compared with rows from its own publication could only agree with itself."""
    fields.setdefault("publication", release())
    fields.setdefault("survey_round", world.round_2020)
    fields.setdefault("system_type", world.external)
    fields.setdefault("wording", "synthetic wording")
    return PublishedFinding.objects.create(key=key, **fields)


def account(name: str, group: str | None = None, **fields):
    """A staff account (unless ``is_staff=False``) with the test password, in a role's group
    (EDITORS or VIEWERS of surveys.editorial.roles) when one is named."""
    from django.contrib.auth.models import Group, User

    fields.setdefault("is_staff", True)
    user = User.objects.create_user(name, password=PASSWORD, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def log_in_as(client, role: str | None) -> None:
    """Log the test client in as a new account in the role's group; with no role, stay an
    anonymous visitor."""
    if role is not None:
        client.force_login(account(role, role))


def import_draft_token(client, editor) -> str:
    """Kent's 2022 drones (a new answer) uploaded by the editor as an import draft; returns
    the draft's token. The client is logged out afterwards."""
    client.force_login(editor)
    client.post(
        "/admin/surveys/answer/import/",
        {
            "step": "upload",
            "file": SimpleUploadedFile(
                "kent.csv",
                b"body,round,system_type,source,operates\nkent,2022,drones,FOI0323,yes\n",
            ),
        },
    )
    client.logout()
    return Path(ImportDraft.objects.get().stored_name).stem


def import_text(
    text: str | bytes, *, filename: str = "answers.csv", dry_run: bool = False, reason: str = ""
):
    """Run the answers import (the one path the command and the admin share) on a file's text."""
    data = text.encode() if isinstance(text, str) else text
    return import_answers(io.BytesIO(data), filename=filename, dry_run=dry_run, reason=reason)


def change_draft(user, **fields):
    """A change waiting for a second editor, to the first vendor, by ``user``: its form data is
    empty (publishing it would be refused by the form), for tests of who may decide."""
    from surveys.models import ChangeDraft, Vendor

    vendor = Vendor.objects.order_by("pk").first()
    defaults = {
        "model": "surveys.vendor",
        "object_id": vendor.pk,
        "object_repr": str(vendor),
        "data": [],
        "summary": "Synthetic test change",
        "requested_by": user,
    }
    return ChangeDraft.objects.create(**{**defaults, **fields})


def online_return(invitation, status: str = "submitted", answers: dict | None = None, **fields):
    """A body's online return as the return form would leave it (synthetic): ``answers`` maps
    a system type to an OnlineAnswer's fields (``vendors`` a list of vendors)."""
    from django.utils import timezone

    from surveys.models import OnlineAnswer, OnlineReturn

    if status in ("submitted", "accepted"):
        fields.setdefault("submitted_at", timezone.now())
        fields.setdefault("submitted_by_name", "A. Tester")
        fields.setdefault("submitted_by_role", "Synthetic test officer")
    made = OnlineReturn.objects.create(
        invitation=invitation, status=status, saved_by="the invitation's link", **fields
    )
    for system_type, values in (answers or {}).items():
        values = dict(values)
        vendors = values.pop("vendors", [])
        answer = OnlineAnswer.objects.create(online_return=made, system_type=system_type, **values)
        answer.vendors.set(vendors)
    return made


def collection_with_a_return(editor):
    """A round being collected online (2030, synthetic) over the data there is, with one
    invitation's return submitted and a request waiting for a second editor: the admin's
    collection pages then have something to open."""
    from surveys.collection import opening
    from surveys.models import CollectionRequest

    collection = opening.open_round(2030, deadline=datetime.date.today(), system_types=["drones"])
    if not collection.invitations.exists():
        body = Body.objects.filter(succeeded_by__isnull=True).order_by("name").first()
        opening.add_invitation(collection, body)
    online = online_return(collection.invitations.order_by("pk").first(), "submitted")
    CollectionRequest.objects.create(
        collection=collection, online_return=online, kind="reopen", requested_by=editor
    )
    return collection
