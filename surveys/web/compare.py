"""``/compare/``: two to four bodies side by side, as a page and as CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from surveys.exports import csv_response, download_name
from surveys.models import Answer, Body
from surveys.web import comparison
from surveys.web.selectors import compare as selector

STATUS = {"responded": "Responded", "did_not_respond": "Did not respond"}
CSV_FIELDS = (
    ("operates", "Operates"),
    ("vendors", "Vendors named"),
    ("kinds", "Kinds of facial recognition"),
    ("unit_count", "Units"),
    ("says_vendor_of_concern", "Says it uses a vendor of concern"),
    ("aware_of_concerns", "Aware of concerns"),
    ("intent", "Future use"),
)


@require_safe
def compare(request):
    asked = request.GET.getlist("body")
    if asked:  # the bodies table's boxes: one parameter per body; the address keeps them as one
        slugs, _ = selector.parse(asked)
        query = {"bodies": ",".join(slugs)}
        if request.GET.get("export") == "csv":
            query["export"] = "csv"
        return HttpResponseRedirect(f"{reverse('surveys:compare')}?{urlencode(query)}")
    slugs, error = selector.parse(request.GET.getlist("bodies"))
    chosen, unknown = selector.bodies(slugs)
    if unknown and not error:
        names = ", ".join(f"“{slug}”" for slug in unknown)
        error = f"No body is called {names}: find it by name below."
    if error and len(slugs) > selector.MAX_BODIES:
        chosen = []
    context = {"chosen": chosen, "error": error, **_chooser(request, chosen)}
    if error:
        # Fewer than two is a page still being filled in; anything else is a bad address.
        status = 200 if len(slugs) < selector.MIN_BODIES and not unknown else 400
        return render(request, "surveys/compare.html", context, status=status)
    responses, rows = selector.compare(chosen)
    if request.GET.get("export") == "csv":
        return _csv(chosen, responses, rows)
    query = urlencode({"bodies": ",".join(b.slug for b in chosen)})
    return render(
        request,
        "surveys/compare.html",
        {**context, "rows": rows, "tables": comparison.tables(responses, rows), "query": query},
    )


def _chooser(request, chosen: list[Body]) -> dict:
    """The chooser: the bodies chosen, each with the address without it, and, for a search by
    name (``?q=``), the first bodies matching it, each with the address that adds it; the
    search stays in every address, so a reader adds or removes one after another."""
    words = selector.CONTROL.sub("", request.GET.get("q", "")).strip()[: selector.SEARCH_LENGTH]
    slugs = [b.slug for b in chosen]

    def address(bodies: list[str]) -> str:
        query = {"bodies": ",".join(bodies)} if bodies else {}
        if words:
            query["q"] = words
        return f"?{urlencode(query)}#compare-choose"

    full = len(chosen) >= selector.MAX_BODIES  # no more to add: no search
    found, more = selector.search(words, exclude=chosen) if words and not full else ([], False)
    return {
        "q": words,
        "chosen_slugs": ",".join(slugs),
        "removals": [(b, address([s for s in slugs if s != b.slug])) for b in chosen],
        "additions": [(b, address([*slugs, b.slug])) for b in found],
        "more_found": more,
        "full": full,
    }


def _value(answer: Answer, name: str) -> str:
    if name == "vendors":
        named = [f"{link.vendor.name}{link.role_suffix}" for link in answer.answer_vendors.all()]
        return "; ".join(named) or "None stated"
    if name == "kinds":
        return "; ".join(answer.kind_labels) or "Not stated"
    value = getattr(answer, name)
    if value is None or value == "":
        return "Not stated" if name != "operates" else "Not known"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    display = getattr(answer, f"get_{name}_display", None)
    words = display() if display else str(value)
    if name == "intent" and answer.system_type.slug == "facial-recognition":
        words += " (live facial recognition)"  # as the page says: INIT2022 asked about live use
    return words


def _csv(chosen, responses, rows):
    header = ["Round", "System type", "Body", "Response"]
    for _, label in CSV_FIELDS:
        header += [label, f"{label}: source"]
    header += ["Uses a vendor named as of concern (derived)", "Corrections in force"]

    def lines():
        response_of = {
            (r.survey_round.pk, body.pk): ret
            for r in responses
            for body, ret in zip(chosen, r.returns, strict=True)
        }
        for row in rows:
            for body, cell in zip(chosen, row.cells, strict=True):
                ret = response_of.get((row.survey_round.pk, body.pk))
                line = [row.survey_round.year, row.system_type.name, body.name]
                line.append(STATUS.get(ret.status, "") if ret else "No return recorded")
                for name, _ in CSV_FIELDS:
                    if cell.answer is None:
                        line += ["No answer recorded", ""]
                        continue
                    if name == "kinds" and row.system_type.slug != "facial-recognition":
                        line += ["Not applicable", ""]
                        continue
                    source = cell.answer.stated_source(name)
                    line += [_value(cell.answer, name), source.code if source else ""]
                line.append(cell.concern)
                line.append("; ".join(f"#{c.pk}" for c in cell.corrections))
                yield line

    slugs = "-".join(b.slug for b in chosen)
    return csv_response(header, lines(), filename=download_name("compare", slugs, suffix="csv"))
