"""Small helpers that build a named test world. Synthetic data for tests only."""

from __future__ import annotations

import datetime
import itertools

from django.utils.text import slugify

from surveys.models import (
    Answer,
    AnswerVendor,
    Body,
    Publication,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
    VendorConcern,
)

_seq = itertools.count(1)


def publication(code: str = "", **fields) -> Publication:
    code = code or f"TEST{next(_seq)}"
    fields.setdefault("title", f"Synthetic test publication {code}")
    fields.setdefault("kind", Publication.Kind.FINAL_REPORT)
    return Publication.objects.create(code=code, **fields)


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


def answer(survey_return: Return, system_type: SystemType, *, vendors=(), **fields) -> Answer:
    fields.setdefault("source", survey_return.source)
    obj = Answer.objects.create(survey_return=survey_return, system_type=system_type, **fields)
    for v in vendors:
        AnswerVendor.objects.create(answer=obj, vendor=v)
    return obj


def account(name: str, group: str | None = None, **fields):
    """A staff account, in a role's group (EDITORS or VIEWERS of surveys.editorial.roles)."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        name, password="a-long-test-password-123", is_staff=True, **fields
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user
