"""What an import would do, row by row, before it writes anything: each answer it creates or
changes (old -> new values), each row's errors, and the summary the command and the admin show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from surveys.models import Answer, Publication, Return, SystemType

# An existing answer's values that the public pages show (the statistics count all but the
# notes): they change by correction.
PUBLIC_FIELDS = (
    "operates",
    "kinds",
    "unit_count",
    "says_vendor_of_concern",
    "aware_of_concerns",
    "intent",
    "vendors",
    "notes",
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column {self.column}: {self.message}"


@dataclass
class PlannedAnswer:
    row: int
    survey_return: Return
    system_type: SystemType
    values: dict
    vendors: list  # VendorLink: a vendor and its role
    existing: Answer | None
    changes: list[FieldChange]
    # The publication each field's own source column names (a changed or new value's credit).
    credits: dict[str, Publication] = field(default_factory=dict)

    @property
    def action(self) -> str:
        if self.existing is None:
            return "create"
        return "update" if self.changes else "unchanged"

    @property
    def public_changes(self) -> list[FieldChange]:
        """Changes to an existing answer's values the public pages show: corrections."""
        if self.existing is None:
            return []
        return [c for c in self.changes if c.field in PUBLIC_FIELDS]

    def heading(self) -> str:
        body = self.survey_return.body.short_name
        what = f"{body}, {self.survey_return.survey_round.year}, {self.system_type.name}"
        return f"Row {self.row}: {self.action} {what}"

    def describe(self) -> str:
        """One line: a new answer's values, or an existing answer's old -> new values."""
        if self.action == "unchanged":
            return self.heading()
        if self.action == "create":
            changes = "; ".join(
                f"{change.field} {change.new}{change.credited}" for change in self.changes
            )
        else:
            changes = "; ".join(str(change) for change in self.changes)
        return f"{self.heading()}: {changes}"


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str
    # The code of the publication credited for the new value, where the row's column for the
    # field names one other than the row's source.
    source: str = ""

    @property
    def credited(self) -> str:
        return f", credited to {self.source}" if self.source else ""

    def __str__(self) -> str:
        return f"{self.field} {self.old} -> {self.new}{self.credited}"


@dataclass
class ImportResult:
    plans: list[PlannedAnswer] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def public_changes(self) -> int:
        """How many existing answers would change in what the public pages show."""
        return sum(1 for plan in self.plans if plan.public_changes)

    def count(self, action: str) -> int:
        return sum(1 for plan in self.plans if plan.action == action)

    @property
    def corrections(self) -> int:
        """How many corrections writing would record: one per public field changed."""
        return sum(len(plan.public_changes) for plan in self.plans)

    def summary(self) -> str:
        return (
            f"{len(self.plans)} rows: {self.count('create')} to create, "
            f"{self.count('update')} to update, {self.count('unchanged')} unchanged"
        )

    def done_summary(self) -> str:
        """What writing did, e.g. "Created 3 answers, updated 1, recorded 1 correction"."""
        created, corrections = self.count("create"), self.corrections
        done = (
            f"Created {created} answer{'s' if created != 1 else ''}, "
            f"updated {self.count('update')}, "
            f"recorded {corrections} correction{'s' if corrections != 1 else ''}"
        )
        unchanged = self.count("unchanged")
        return f"{done}, left {unchanged} unchanged" if unchanged else done
