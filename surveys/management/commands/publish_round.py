from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from surveys.collection import opening, publishing


class Command(BaseCommand):
    help = (
        "Publish a round collected online: the round, a return for every body invited "
        "(responded for an accepted return, did not respond otherwise) and the accepted "
        "answers, in one transaction. Refused before the deadline has passed, while a "
        "submitted return waits for review, or while accepted returns name unmatched vendors."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        if settings.CORRECTIONS_NEED_SECOND_EDITOR:
            raise CommandError(
                "A second editor is required (CORRECTIONS_NEED_SECOND_EDITOR): publish the round "
                "from the admin, where one editor asks and another approves. Nothing was published."
            )
        try:
            collection = opening.collection_for(year)
            survey_round = publishing.publish_round(collection)
        except (opening.RoundRefused, publishing.PublishRefused) as exc:
            raise CommandError(f"{exc} Nothing was published.") from exc
        returns = survey_round.returns.all()
        responded = returns.filter(status="responded").count()
        self.stdout.write(
            f"Published the {year} round: {responded} of {returns.count()} bodies responded "
            f"(source {survey_round.source.code})."
        )
