"""The invitation a page's token opens, and what every return page shows of it.

A wrong, expired, revoked or withdrawn token is one ``Http404``: the site's 404 page, the same
bytes whatever the reason (obscc.middleware.ReturnLinkMiddleware counts them per address)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from surveys.collection import returns, tokens
from surveys.collection.return_values import AnswerData, coverage, stored_answers
from surveys.models import Answer, CollectionSystemType, Invitation, OnlineReturn, Vendor
from surveys.returns.forms import LABELS
from surveys.values import ANSWER_KINDS, Intent, yes_no_text


@dataclass
class Link:
    token: str
    invitation: Invitation
    online_return: OnlineReturn
    asked: list[CollectionSystemType]

    @property
    def context(self) -> dict:
        return {
            "token": self.token,
            "invitation": self.invitation,
            "collection": self.invitation.collection,
            "body": self.invitation.body,
            "online_return": self.online_return,
            "asked": self.asked,
        }


def link_or_404(token: str, *, peek: bool = False) -> Link:
    """``peek``: the start page, which neither marks the invitation opened nor makes its
    return (a link scanner opens that page too)."""
    invitation = tokens.invitation_for(token)
    if invitation is None:
        raise Http404("No such return")
    online_return = (returns.peek_return if peek else returns.open_return)(invitation)
    return Link(token, invitation, online_return, coverage(online_return))


def posted_version(request) -> int:
    """The version a form was made from (0, never a version, when missing or garbled)."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def answer_rows(link: Link, answers: dict[int, AnswerData] | None = None) -> list[dict]:
    """Every answer in words, per system type asked: what the review and receipt list."""
    answers = stored_answers(link.online_return) if answers is None else answers
    vendors = dict(Vendor.objects.values_list("pk", "name"))
    kinds = dict(ANSWER_KINDS)
    shown = []
    for asked in link.asked:
        answer = answers.get(asked.system_type_id, AnswerData())
        named = sorted(vendors[pk] for pk in answer.vendor_ids if pk in vendors)
        rows = [
            (LABELS["operates"], _sentence_case(yes_no_text(answer.operates))),
            (LABELS["vendors"], ", ".join(named) or "None chosen from the list"),
            (LABELS["other_vendors"], answer.other_vendors or "None"),
        ]
        if asked.asks_unit_count:
            count = "Not stated" if answer.unit_count is None else f"{answer.unit_count:,}"
            rows.append((LABELS["unit_count"], count))
        rows += [
            (LABELS["aware_of_concerns"], _sentence_case(yes_no_text(answer.aware_of_concerns))),
            (LABELS["intent"], Intent(answer.intent).label),
        ]
        if Answer.kinds_allowed(["live"], asked.system_type):
            rows.append(
                (LABELS["kinds"], "; ".join(kinds[k] for k in answer.kinds) or "Not stated")
            )
        rows.append((LABELS["notes"], answer.notes or "No notes"))
        shown.append({"asked": asked, "rows": rows})
    return shown
