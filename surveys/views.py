from django.shortcuts import render

from surveys import stats
from surveys.models import SurveyRound


def overview(request):
    latest = SurveyRound.objects.order_by("-year").first()
    responses = stats.response_by_round()
    context = {
        "latest": latest,
        "responses": responses,
        "latest_response": next((r for r in responses if latest and r.year == latest.year), None),
    }
    return render(request, "surveys/overview.html", context)
