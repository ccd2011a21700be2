from django.core.management.base import BaseCommand, CommandError

from surveys.editorial.synthetic import RealDataPresent, generate, text_report


class Command(BaseCommand):
    help = (
        "Add SYNTHETIC bodies, rounds, returns and answers for tests and benchmarks. They are "
        "labelled synthetic everywhere. Refuses a database holding the real data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bodies", type=int, required=True)
        parser.add_argument("--rounds", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--allow-real-data",
            action="store_true",
            help="Add synthetic data even though the real data is in this database.",
        )

    def handle(self, *args, bodies, rounds, seed, allow_real_data, **options):
        if not (1 <= bodies <= 1_000_000) or not (1 <= rounds <= 50):
            raise CommandError("--bodies must be 1 to 1,000,000 and --rounds 1 to 50.")
        try:
            report = generate(
                bodies=bodies,
                rounds=rounds,
                seed=seed,
                allow_real_data=allow_real_data,
                progress=True,
            )
        except RealDataPresent as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(text_report(report))
