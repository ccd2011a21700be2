"""Publishing a collected round: the collection becomes a public ``SurveyRound`` with a return
for every body invited (responded for an accepted return, did not respond for everyone else),
and the accepted answers are written through the one import path (``importing.validate`` and
``apply``), so an online return obeys exactly the rules an imported file does.

The same writer builds the round inside the editors' rolled-back previews.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from surveys.editorial import importing
from surveys.exports import escape_cell
from surveys.models import (
    Collection,
    OnlineAnswer,
    OnlineReturn,
    Publication,
    Return,
    RoundSystemType,
    SurveyRound,
)
from surveys.stats import summaries
from surveys.values import yes_no_text

NONE_OF_THE_ABOVE = "none_of_the_above"  # the form's "none of these": no kind stated


class PublishRefused(ValueError):
    """The round cannot be published yet; nothing was written."""


def publication_code(year: int) -> str:
    return f"RETURNS{year}"


def returns_with_answers(queryset) -> Iterable[OnlineReturn]:
    """Online returns with their body and answers (vendors and system type) in four queries."""
    return queryset.select_related("invitation__body").prefetch_related(
        Prefetch(
            "answers",
            queryset=OnlineAnswer.objects.select_related("system_type").prefetch_related("vendors"),
        )
    )


def _yes_no(value: bool | None) -> str:
    return "" if value is None else yes_no_text(value)


def _said_anything(answer: OnlineAnswer) -> bool:
    kinds = [k for k in answer.kinds if k != NONE_OF_THE_ABOVE]
    return any(
        (
            answer.operates is not None,
            answer.unit_count is not None,
            answer.aware_of_concerns is not None,
            answer.intent,
            kinds,
            answer.notes.strip(),
            answer.vendors.all(),
        )
    )


def answer_row(answer: OnlineAnswer, *, body, year: int, source_code: str) -> dict[str, str]:
    """One online answer in the import's column format (surveys.editorial.import_columns);
    every cell escaped as the downloads escape it, so the import reads back exactly the text."""
    kinds = [k for k in answer.kinds if k != NONE_OF_THE_ABOVE]
    row = {
        "body": body.name,
        "body_slug": body.slug,
        "round": str(year),
        "system_type": answer.system_type.slug,
        "source": source_code,
        "operates": _yes_no(answer.operates),
        "kinds": "; ".join(kinds),
        "unit_count": "" if answer.unit_count is None else str(answer.unit_count),
        "vendors": "; ".join(sorted(v.name for v in answer.vendors.all())),
        "aware_of_concerns": _yes_no(answer.aware_of_concerns),
        "intent": answer.intent,
        "notes": answer.notes.strip(),
    }
    return {name: str(escape_cell(value)) for name, value in row.items()}


def answer_rows(online_returns: Iterable[OnlineReturn], *, year: int) -> list[dict[str, str]]:
    rows = []
    for online_return in online_returns:
        body = online_return.invitation.body
        for answer in online_return.answers.all():
            if _said_anything(answer):
                rows.append(
                    answer_row(answer, body=body, year=year, source_code=publication_code(year))
                )
    return rows


def problems(collection: Collection, *, today: datetime.date | None = None) -> list[str]:
    """Why the round cannot be published now; empty when it can."""
    today = today or timezone.localdate()
    found = []
    if collection.published_at is not None:
        return [f"The {collection.year} round is already published."]
    if not collection.is_past_deadline(today):
        found.append(
            f"The deadline ({collection.deadline:%-d %B %Y}) has not passed: a round is "
            "published the day after its deadline at the earliest."
        )
    if SurveyRound.objects.filter(year=collection.year).exists():
        found.append(f"A {collection.year} round is already public.")
    if Publication.objects.filter(code=publication_code(collection.year)).exists():
        found.append(f"A publication {publication_code(collection.year)} already exists.")
    returns = OnlineReturn.objects.filter(
        invitation__collection=collection, invitation__withdrawn_at__isnull=True
    ).select_related("invitation__body")
    waiting = sorted(
        r.invitation.body.name for r in returns if r.status == OnlineReturn.Status.SUBMITTED
    )
    if waiting:
        found.append(
            f"{len(waiting)} submitted return(s) not yet accepted or returned: "
            f"{', '.join(waiting)}."
        )
    unmatched = OnlineAnswer.objects.filter(
        online_return__in=returns.filter(status=OnlineReturn.Status.ACCEPTED)
    ).exclude(other_vendors="")
    listed = [
        f"{a.online_return.invitation.body.name}, {a.system_type.name}: {a.other_vendors!r}"
        for a in unmatched.select_related("online_return__invitation__body", "system_type")
    ]
    if listed:
        found.append(
            "Accepted returns name vendors not yet matched to the vendor list (change the "
            f"return to match them): {'; '.join(listed)}."
        )
    return found


def _copyright(previous: SurveyRound | None) -> str:
    """As the Commissioner's other publications: the previous round's source says whose."""
    if previous is not None and previous.source_id and previous.source.copyright:
        return previous.source.copyright
    return "Crown copyright"


def write_round(
    collection: Collection,
    *,
    accepted: Iterable[OnlineReturn],
    today: datetime.date | None = None,
) -> SurveyRound:
    """The public round, its returns and the accepted answers; the caller's transaction."""
    today = today or timezone.localdate()
    accepted = list(accepted)
    if SurveyRound.objects.filter(year=collection.year).exists() or (
        Publication.objects.filter(code=publication_code(collection.year)).exists()
    ):
        raise PublishRefused(
            f"A {collection.year} round or its source {publication_code(collection.year)} "
            "already exists."
        )
    previous = SurveyRound.objects.filter(year__lt=collection.year).order_by("-year").first()
    year, reason = collection.year, f"{collection.year} round published from returns online"
    source = Publication(
        code=publication_code(year),
        title=f"Returns to the {year} survey of police surveillance camera systems, "
        "submitted online",
        kind=Publication.Kind.SURVEY_RETURNS,
        published_on=today,
        date_precision=Publication.DatePrecision.DAY,
        copyright=_copyright(previous),
        licence=Publication.Licence.OGL,
    )
    source._change_reason = reason
    source.save()
    survey_round = SurveyRound(
        year=year, invitations_sent_on=timezone.localdate(collection.opened_at), source=source
    )
    survey_round._change_reason = reason
    survey_round.save()
    source.survey_round = survey_round
    source.save(update_fields=["survey_round"])
    for row in collection.coverage.all():
        RoundSystemType.objects.create(survey_round=survey_round, system_type_id=row.system_type_id)
    responded = {r.invitation.body_id for r in accepted}
    invited = collection.invitations.filter(withdrawn_at__isnull=True).values_list(
        "body_id", flat=True
    )
    # One statement for every invited body's return, and one for their history rows, however
    # many bodies are invited (the preview writes this round on every review page). The new
    # round is already marked for its summaries' rebuild; marked again here for the returns.
    bulk_create_with_history(
        [
            Return(
                body_id=body_id,
                survey_round=survey_round,
                status=Return.Status.RESPONDED
                if body_id in responded
                else Return.Status.DID_NOT_RESPOND,
                source=source,
            )
            for body_id in invited
        ],
        Return,
        default_change_reason=reason,
    )
    summaries.mark([survey_round.pk])
    _import(accepted, year=year, change_reason=reason)
    return survey_round


def _import(online_returns: Iterable[OnlineReturn], *, year: int, change_reason: str) -> None:
    rows = answer_rows(online_returns, year=year)
    if not rows:
        return
    result = importing.validate(rows)
    if not result.ok:
        details = "; ".join(
            f"{_row_body(rows, e.row)}: {e.column} {e.message}" for e in result.errors
        )
        raise PublishRefused(f"The answers break the import's rules: {details}.")
    importing.apply(result, change_reason=change_reason)


def _row_body(rows: list[dict[str, str]], number: int) -> str:
    row = rows[number - 2]  # the import numbers rows from 2, after a header
    return f"{row['body']}, {row['system_type']}"


def add_return(survey_round: SurveyRound, online_return: OnlineReturn) -> None:
    """One more body responded (a preview's 'with this return added')."""
    body = online_return.invitation.body
    Return.objects.filter(survey_round=survey_round, body=body).update(
        status=Return.Status.RESPONDED
    )
    if not Return.objects.filter(survey_round=survey_round, body=body).exists():
        Return.objects.create(
            body=body,
            survey_round=survey_round,
            status=Return.Status.RESPONDED,
            source=survey_round.source,
        )
    _import([online_return], year=survey_round.year, change_reason="preview (rolled back)")


def accepted_returns(collection: Collection):
    return returns_with_answers(
        OnlineReturn.objects.filter(
            invitation__collection=collection,
            invitation__withdrawn_at__isnull=True,
            status=OnlineReturn.Status.ACCEPTED,
        )
    )


def publish_round(
    collection: Collection, *, user=None, today: datetime.date | None = None
) -> SurveyRound:
    """Make the round public in one transaction; raises PublishRefused (nothing written)
    while ``problems`` lists anything."""
    with transaction.atomic(), summaries.deferred():
        collection = Collection.objects.select_for_update().get(pk=collection.pk)
        if found := problems(collection, today=today):
            raise PublishRefused(" ".join(found))
        survey_round = write_round(collection, accepted=accepted_returns(collection), today=today)
        collection.published_at = timezone.now()
        collection.survey_round = survey_round
        collection._change_reason = f"Published by {user or 'publish_round'}"
        collection._history_user = user
        collection.save()
    return survey_round
