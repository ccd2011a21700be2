"""Which round each answer is of, in a table of its own with the answers in id order per
round: so that a round's answers are read a page at a time, in the API's order (by id),
without reading every answer of the round to find the first (an answer's round is its
return's, so no index on the answers alone serves it).

Kept by the database itself, not by the code: triggers (migration 0015) write a row for each
answer inserted, however it is inserted (a form, an import, COPY), and follow an answer moved
to another return, a return moved to another round and an answer deleted. Never entered,
never downloaded: derived from the answers and returns.
"""

from __future__ import annotations

from django.db import models

from surveys.models.answers import Answer
from surveys.models.survey import SurveyRound


class AnswerRound(models.Model):
    answer = models.OneToOneField(
        Answer,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the database's triggers delete the row with the answer
        related_name="placement",
        db_constraint=False,
    )
    survey_round = models.ForeignKey(
        SurveyRound,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the index below leads with it
    )

    class Meta:
        indexes = [models.Index(fields=["survey_round", "answer"], name="answer_round_in_order")]

    def __str__(self) -> str:
        return f"Answer {self.answer_id}: round {self.survey_round_id}"
