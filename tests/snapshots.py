"""Snapshots of what some code writes into the test database, taken once and restored into
each test that needs it: a few bulk inserts instead of running the code again."""

from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass
class Snapshot:
    """What some code writes into a freshly migrated database: every table it changes, with
    all of that table's rows afterwards. Taken once, restored into any test's database."""

    tables: dict[str, tuple[list[str], list[tuple]]]

    def restore(self) -> None:
        """Put those tables back exactly as they were (same rows, same ids, in one
        transaction), then move the identifier sequences past them (PostgreSQL's; SQLite's
        follow the inserts)."""
        quote = connection.ops.quote_name
        models = [m for m in _models() if m._meta.db_table in self.tables]
        with transaction.atomic(), connection.cursor() as cursor:
            for table, (columns, rows) in self.tables.items():
                cursor.execute(f"DELETE FROM {quote(table)}")
                if not rows:
                    continue
                names = ", ".join(quote(c) for c in columns)
                if connection.vendor == "postgresql":  # COPY: the synthetic worlds are large
                    with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows
                    )
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


def _models() -> list:
    """Every model with a table of its own, many-to-many tables included."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def _tables() -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table's columns and rows, in primary-key order."""
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for model in _models():
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(pk)}")
            columns = [c[0] for c in cursor.description]
            found[table] = (columns, [tuple(row) for row in cursor.fetchall()])
    return found


def whole_database() -> Snapshot:
    """Every table as it is now, empty ones included: restoring it empties every other row."""
    return Snapshot(_tables())


def take_snapshots(django_db_blocker, *steps) -> list[Snapshot]:
    """Run the steps one after another in a transaction that is rolled back, and return the
    database after each (cumulative: every table changed so far); the database itself is
    left as it was."""
    snapshots, changed = [], set()
    with django_db_blocker.unblock():
        before = _tables()
        with transaction.atomic():
            for step in steps:
                step()
                after = _tables()
                changed |= {table for table, rows in after.items() if rows != before[table]}
                snapshots.append(Snapshot({table: after[table] for table in sorted(changed)}))
            transaction.set_rollback(True)
    return snapshots
