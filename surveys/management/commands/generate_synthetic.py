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
        parser.add_argument(
            "--round-level",
            type=int,
            default=0,
            help="Earlier rounds known by their published findings alone (no per-body "
            "returns), as the real 2017 and 2019 rounds are.",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--allow-real-data",
            action="store_true",
            help="Add synthetic data even though the real data is in this database.",
        )

    def handle(self, *args, bodies, rounds, round_level, seed, allow_real_data, **options):
        if not (1 <= bodies <= 1_000_000) or not (1 <= rounds <= 50):
            raise CommandError("--bodies must be 1 to 1,000,000 and --rounds 1 to 50.")
        if not 0 <= round_level <= 10:
            raise CommandError("--round-level must be 0 to 10.")
        try:
            report = generate(
                bodies=bodies,
                rounds=rounds,
                round_level=round_level,
                seed=seed,
                allow_real_data=allow_real_data,
                progress=True,
            )
        except RealDataPresent as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(text_report(report))
