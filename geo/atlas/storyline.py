"""A storyline being written: an immutable draft of steps that the editor changes, and its file.

A draft keeps each step as the fields its YAML file has (`place` or `event`, `passage`, `note`,
`text`, `view`, `also`, `kind`: geo/atlas/tours.py reads them), so a step field added to the file is a
field of the draft with no change here, and the one parser of storylines (`parse_tour`) checks
both what a teacher typed and what a file says. Every edit returns a new draft that remembers the
one before (`undo`). `storyline_yaml` writes the file a teacher downloads and drops into a data
folder; `read_storyline` reads it back, within MAX_FILE_BYTES, MAX_STEPS and without anchors or
aliases, and every error names the step and the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from geo.atlas.datafile import read_untrusted_yaml, reject_unknown_keys
from geo.atlas.events import Event
from geo.atlas.loader import Atlas
from geo.atlas.tours import DEFAULT_TITLE, NO_PASSAGE, STEP_FIELDS, Tour, parse_tour, tour_title
from geo.errors import DataError

MAX_STEPS = 100
MAX_TITLE_LENGTH = 120
MAX_FILE_BYTES = 256 * 1024
MAX_UNDO = 50  # edits a draft remembers
FILE_NAME = "storyline.yaml"  # how an imported or typed storyline is named in its errors

Field = tuple[str, Any]  # (a step field's name, its value as the file has it, made immutable)


class Pairs(tuple):
    """A mapping kept in a draft: its (key, value) pairs, in the order given."""


def _frozen(value: Any) -> Any:
    """A field's value as the draft keeps it: lists as tuples, mappings as Pairs."""
    if isinstance(value, Pairs):
        return value
    if isinstance(value, Mapping):
        return Pairs((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _thawed(value: Any) -> Any:
    """A field's value as the file writes it."""
    if isinstance(value, Pairs):
        return {k: _thawed(v) for k, v in value}
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    return value


@dataclass(frozen=True)
class DraftStep:
    """One step as its file writes it: (field, value) pairs in the file's order of fields."""

    fields: tuple[Field, ...] = ()

    @classmethod
    def of(cls, **values: Any) -> DraftStep:
        """A step from its fields (None or empty values left out)."""
        return cls().with_fields(**values)

    def get(self, key: str, default: Any = None) -> Any:
        return next((v for k, v in self.fields if k == key), default)

    def with_fields(self, **values: Any) -> DraftStep:
        """This step with these fields set (None, "" and () remove them), in the file's order."""
        kept = dict(self.fields)
        for key, value in values.items():
            if key not in STEP_FIELDS:
                raise ValueError(f"{key!r} is not a step field")
            if value is None or value == "" or value == () or value == []:
                kept.pop(key, None)
            else:
                kept[key] = _frozen(value)
        return DraftStep(tuple((k, kept[k]) for k in STEP_FIELDS if k in kept))

    def data(self) -> dict[str, Any]:
        """The step as the file writes it."""
        return {key: _thawed(value) for key, value in self.fields}

    @property
    def subject(self) -> tuple[str, str]:
        """("place" or "event", its slug)."""
        return ("event", self.get("event")) if self.get("event") else ("place", self.get("place") or "")


@dataclass(frozen=True)
class Draft:
    """A storyline being written: its title and steps, and the drafts before the last edits."""

    title: str = DEFAULT_TITLE
    steps: tuple[DraftStep, ...] = ()
    before: tuple[tuple[str, tuple[DraftStep, ...]], ...] = ()  # (title, steps) of earlier drafts, latest last

    def __len__(self) -> int:
        return len(self.steps)

    def _edited(self, title: str, steps: tuple[DraftStep, ...]) -> Draft:
        if len(steps) > MAX_STEPS:
            raise DataError(FILE_NAME, f"a storyline has at most {MAX_STEPS} steps", field="steps")
        if (title, steps) == (self.title, self.steps):
            return self
        return Draft(title, steps, (*self.before, (self.title, self.steps))[-MAX_UNDO:])

    def _index(self, index: int) -> int:
        if not 0 <= index < len(self.steps):
            raise IndexError(f"no step {index + 1} in a storyline of {len(self.steps)}")
        return index

    @property
    def can_undo(self) -> bool:
        return bool(self.before)

    def undo(self) -> Draft:
        """The draft before the last edit (this one when there is none)."""
        if not self.before:
            return self
        title, steps = self.before[-1]
        return Draft(title, steps, self.before[:-1])

    def retitled(self, title: str) -> Draft:
        title = " ".join(title.split())
        if len(title) > MAX_TITLE_LENGTH:
            raise DataError(FILE_NAME, f"keep the title under {MAX_TITLE_LENGTH} characters", field="title")
        return self._edited(title or DEFAULT_TITLE, self.steps)

    def added(self, step: DraftStep, at: int | None = None) -> Draft:
        """`step` inserted before index `at` (at the end by default)."""
        at = len(self.steps) if at is None else max(0, min(at, len(self.steps)))
        return self._edited(self.title, (*self.steps[:at], step, *self.steps[at:]))

    def moved(self, index: int, to: int) -> Draft:
        """Step `index` moved to index `to` (kept within the storyline)."""
        steps = list(self.steps)
        step = steps.pop(self._index(index))
        steps.insert(max(0, min(to, len(steps))), step)
        return self._edited(self.title, tuple(steps))

    def duplicated(self, index: int) -> Draft:
        return self.added(self.steps[self._index(index)], index + 1)

    def deleted(self, index: int) -> Draft:
        self._index(index)
        return self._edited(self.title, self.steps[:index] + self.steps[index + 1 :])

    def changed(self, index: int, **values: Any) -> Draft:
        """Step `index` with these fields set (None or "" removes one)."""
        steps = list(self.steps)
        steps[self._index(index)] = steps[index].with_fields(**values)
        return self._edited(self.title, tuple(steps))

    def replaced(self, title: str, steps: Iterable[DraftStep]) -> Draft:
        """Another storyline, as one edit (a start or an import can be undone)."""
        return self._edited(title, tuple(steps))

    def data(self) -> dict[str, Any]:
        """The storyline as its file writes it."""
        return {"title": self.title, "steps": [step.data() for step in self.steps]}


def draft_from_data(data: Any, file: str = FILE_NAME) -> Draft:
    """A draft from a storyline file's parsed YAML, its shape checked (parse_tour checks its content)."""
    if data is None:
        raise DataError(file, "the file is empty: a storyline has a 'title' and 'steps'")
    title = tour_title(data, file)
    if len(title) > MAX_TITLE_LENGTH:
        raise DataError(file, f"keep the title under {MAX_TITLE_LENGTH} characters", field="title")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise DataError(file, "must be a non-empty list of steps", field="steps")
    if len(steps) > MAX_STEPS:
        raise DataError(file, f"a storyline has at most {MAX_STEPS} steps, this one {len(steps)}", field="steps")
    drafted = []
    for i, raw in enumerate(steps, 1):
        if isinstance(raw, str):
            raw = {"place": raw}
        if not isinstance(raw, dict):
            raise DataError(file, "each step must be a mapping with a 'place' or an 'event'", entry=f"step {i}")
        reject_unknown_keys(raw, STEP_FIELDS, file, entry=f"step {i}")
        drafted.append(DraftStep.of(**raw))
    return Draft(" ".join(title.split()), tuple(drafted))


def checked(draft: Draft, atlas: Atlas, events: tuple[Event, ...], name: str, file: str = FILE_NAME) -> Tour:
    """The storyline the tour shows, or a DataError naming the step and the field; an empty one is one."""
    if not draft.steps:
        raise DataError(file, "the storyline has no steps yet: add one", field="steps")
    return parse_tour(draft.data(), atlas, file, name, events)


def read_storyline(
    raw: bytes | str, atlas: Atlas, events: tuple[Event, ...], name: str, file: str = FILE_NAME
) -> tuple[Draft, Tour]:
    """A storyline file read back (an import): its draft and its tour; a DataError names what is wrong."""
    data = read_untrusted_yaml(raw, file, max_bytes=MAX_FILE_BYTES)
    draft = draft_from_data(data, file)
    return draft, parse_tour(data, atlas, file, name, events)  # the file as written: an empty note is an error


HEADER = """\
# A storyline of the Classroom tour, written on the page "Make a tour".
# Put it in an atlas's data folder as tour.yaml (or tour-chronology.yaml) to make it one of its
# storylines, check it with `python -m geo check`, or import it on the page again.
# Each step shows a place or an event; data/README.md describes every field.
"""


def storyline_yaml(draft: Draft) -> str:
    """The file a teacher downloads: the header, then the storyline, plain YAML with no anchors."""
    body = yaml.safe_dump(draft.data(), sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return HEADER + "\n" + body


# Where a draft starts ---------------------------------------------------------------------------


def from_tour(tour: Tour) -> tuple[str, tuple[DraftStep, ...]]:
    """An atlas's storyline as draft steps (title, steps)."""
    steps = []
    for step in tour.steps:
        view = {"lat": step.view.lat, "lon": step.view.lon, "zoom": step.view.zoom} if step.view else None
        subject = {"event": step.event.slug} if step.event else {"place": step.place.slug}
        passage = None if step.event or step.passage_number == 1 else step.passage_number or NO_PASSAGE
        steps.append(
            DraftStep.of(
                **subject,
                passage=passage,
                note=step.note,
                text=step.text,
                view=view,
                also=step.also,
                kind=None if step.kind == "show" else step.kind,
            )
        )
    return tour.title, tuple(steps)


def every_place(atlas: Atlas) -> tuple[str, tuple[DraftStep, ...]]:
    """Every place the article names, in the order it introduces them."""
    return "The places, in the article's order", tuple(
        DraftStep.of(place=p.slug) for p in atlas.places if atlas.passages[p.slug]
    )[:MAX_STEPS]


def every_event(events: tuple[Event, ...]) -> tuple[str, tuple[DraftStep, ...]]:
    """Every event of the article's chronology, in date order."""
    return "The events, in date order", tuple(DraftStep.of(event=e.slug) for e in events)[:MAX_STEPS]


def step_label(step: DraftStep, names: Mapping[str, str]) -> str:
    """A step as the editor's list shows it: its place's or event's name from `names`, keyed
    "place:<slug>" and "event:<slug>" (the slug itself when the atlas has no such one)."""
    kind, slug = step.subject
    return names.get(f"{kind}:{slug}", str(slug))


def with_subject(step: DraftStep, kind: str, slug: str) -> DraftStep:
    """The step on another place or event: what belongs to the old one (its passage) goes."""
    if kind == "event":
        return step.with_fields(place=None, passage=None, event=slug)
    return step.with_fields(event=None, passage=None, place=slug)
