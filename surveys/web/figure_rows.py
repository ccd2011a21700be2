"""The rows behind a computed figure: ``?figure=NAME.SYSTEM-TYPE.PART`` on ``/forces/`` (and
on the API's answers), PART ``counted`` (the bodies it counts) or ``coverage`` (the bodies whose
answers it rests on). The rows come from the figure's own definition (``stats.figure_answers``)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from surveys.models import SystemType
from surveys.stats import COUNTED, COVERAGE, FIGURES, FigureDescription

PARTS = {COUNTED: "counted in", COVERAGE: "in the coverage of"}


@dataclass(frozen=True)
class FigureRows:
    description: FigureDescription
    system_type: SystemType
    part: str

    @property
    def slug(self) -> str:
        """The parameter's value."""
        return f"{self.description.name}.{self.system_type.slug}.{self.part}"

    @property
    def name(self) -> str:
        """In words, for the list of filters applied."""
        return f"{PARTS[self.part]} “{self.description.label}” for {self.system_type.name}"


def parse(value: str) -> FigureRows:
    """``NAME.SYSTEM-TYPE.PART`` as a FigureRows, or a ValidationError saying what is wrong."""
    name, _, rest = value.strip().partition(".")
    slug, _, part = rest.rpartition(".")
    description = next((d for d in FIGURES if d.name == name), None)
    if description is None:
        names = ", ".join(d.name for d in FIGURES)
        raise forms.ValidationError(f"No figure is called “{name[:40]}”; choose one of {names}.")
    if part not in PARTS:
        raise forms.ValidationError("End the figure with .counted or .coverage.")
    system_type = SystemType.objects.filter(slug=slug).first()
    if system_type is None:
        raise forms.ValidationError(f"No system type is called “{slug[:40]}”.")
    return FigureRows(description, system_type, part)


class FigureRowsField(forms.CharField):
    widget = forms.HiddenInput

    def clean(self, value):
        value = super().clean(value)
        return parse(value) if value else None
