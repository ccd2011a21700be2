"""Benchmark single writes on PostgreSQL at 10,000 bodies x 10 rounds (synthetic, about
800,000 answers): each write as the admin or the corrections desk makes it, in its own
transaction, including the summaries' rebuild, timed to its commit.

Writes timed (median and max of BENCH_WRITE_REPEATS, default 7, on different answers):
- an admin edit of one answer's field (``operates``), saved through the ORM;
- an admin edit of one answer's vendors (a link added, then removed);
- a correction published on one answer (``aware_of_concerns``), and withdrawn;
- a correction published on one return's status (responded -> did not respond), and withdrawn.
Every write is undone afterwards (untimed), so the data set stays as generated, apart from the
corrections recorded (withdrawn). Usage: make bench-writes (python scripts/bench_writes.py).
The database is made once by scripts/bench.py's prepare (BENCH_DATABASE_PREFIX, default
obscc_bench, gives <prefix>_large), and migrated on each run.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import DATASETS, SERVER, prepare  # noqa: E402

REPEATS = int(os.environ.get("BENCH_WRITE_REPEATS", "7"))


def _timed(write) -> float:
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        write()
    return time.perf_counter() - started


def measure() -> dict[str, list[float]]:
    import django

    os.environ["DATABASE_URL"] = f"{SERVER}/{DATASETS['large']['database']}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "obscc.test_settings")
    django.setup()
    from surveys.editorial.corrections import record_correction, withdraw_correction
    from surveys.editorial.synthetic import SYNTHETIC_CODE
    from surveys.models import (
        Answer,
        AnswerVendor,
        Correction,
        Publication,
        Return,
        SurveyRound,
        Vendor,
    )
    from surveys.stats import summaries

    summaries.refresh()  # what a migration left marked: not part of any write's time
    source = Publication.objects.get(code=SYNTHETIC_CODE)
    last = SurveyRound.objects.order_by("year").last()
    answers = list(
        Answer.objects.filter(
            survey_return__survey_round=last,
            survey_return__status=Return.Status.RESPONDED,
            operates=True,
        ).order_by("pk")[: REPEATS * 97 : 97]
    )
    returns = [a.survey_return for a in answers]
    vendors = list(Vendor.objects.order_by("pk"))
    times: dict[str, list[float]] = {}

    def admin_save(answer, operates):
        def write():
            answer.operates = operates
            answer._change_reason = "Benchmark edit"
            answer.save()
            summaries.refresh()  # as the admin's save_related does

        return write

    def admin_vendor(answer, vendor, add):
        def write():
            if add:
                AnswerVendor.objects.create(answer=answer, vendor=vendor)
            else:
                AnswerVendor.objects.get(answer=answer, vendor=vendor).delete()
            summaries.refresh()

        return write

    def correct(**target):
        def write():
            holder["correction"] = record_correction(
                Correction(reason="Benchmark correction", source=source, **target)
            )

        return write

    def withdraw():
        withdraw_correction(holder["correction"], reason="Benchmark withdrawal")

    holder: dict = {}
    for answer, survey_return in zip(answers, returns, strict=True):
        times.setdefault("admin edit of one answer", []).append(_timed(admin_save(answer, False)))
        _timed(admin_save(answer, True))
        named = set(answer.answer_vendors.values_list("vendor_id", flat=True))
        vendor = next(v for v in vendors if v.pk not in named)
        times.setdefault("admin: vendor added to one answer", []).append(
            _timed(admin_vendor(answer, vendor, True))
        )
        times.setdefault("admin: vendor removed from one answer", []).append(
            _timed(admin_vendor(answer, vendor, False))
        )
        answer.refresh_from_db()
        aware = answer.aware_of_concerns
        new = "no" if aware else "yes"
        times.setdefault("correction published (one answer)", []).append(
            _timed(correct(answer=answer, answer_field="aware_of_concerns", new_value=new))
        )
        times.setdefault("correction withdrawn (one answer)", []).append(_timed(withdraw))
        times.setdefault("correction published (return status)", []).append(
            _timed(
                correct(
                    survey_return=survey_return,
                    answer_field="status",
                    new_value=Return.Status.DID_NOT_RESPOND,
                )
            )
        )
        times.setdefault("correction withdrawn (return status)", []).append(_timed(withdraw))
    return times


def main() -> int:
    prepare("large", DATASETS["large"])
    times = measure()
    print(f"{'write (10,000 bodies x 10 rounds, PostgreSQL)':<48} {'median ms':>10} {'max ms':>8}")
    for label, samples in times.items():
        median = statistics.median(samples) * 1000
        print(f"{label:<48} {median:>10.1f} {max(samples) * 1000:>8.1f}  (n={len(samples)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
