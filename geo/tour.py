"""The classroom tour: a storyline of steps through the article's places (data/tour.yaml).

Each step names a place, which of its passages to show, and an optional note for the
teacher. Without a `steps` list the tour visits every place the article mentions, in
the order the article introduces them. Step numbers in links are 1-based (`?step=3`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.article import Passage
from geo.atlas import Atlas
from geo.datafile import read_yaml, reject_unknown_keys
from geo.errors import DataError
from geo.gazetteer import Place
from geo.links import page_link

TOUR_FILE_NAME = "tour.yaml"
TOUR_FIELDS = ("title", "steps")
STEP_FIELDS = ("place", "passage", "note")
DEFAULT_TITLE = "Classroom tour"
MAX_NOTE_LENGTH = 600
MAX_STEP_PARAM_LENGTH = 12


@dataclass(frozen=True)
class Step:
    """One stop of the tour: a place, the passage shown for it, and the teacher's note."""

    place: Place
    passage: Passage | None
    passage_number: int  # 1-based index into the place's passages (0 when it has none)
    note: str | None = None

    @property
    def slug(self) -> str:
        return self.place.slug

    def key(self) -> tuple[str, int, str]:
        """A hashable summary, for caches keyed on the storyline."""
        return (self.place.slug, self.passage_number, self.note or "")


@dataclass(frozen=True)
class Tour:
    title: str
    steps: tuple[Step, ...]

    def __len__(self) -> int:
        return len(self.steps)

    def key(self) -> tuple[Any, ...]:
        return (self.title, *(s.key() for s in self.steps))


def default_steps(atlas: Atlas) -> tuple[Step, ...]:
    """Every place the article mentions, in article order, each with its first passage."""
    return tuple(Step(p, atlas.passages[p.slug][0], 1) for p in atlas.places if atlas.passages[p.slug])


def _parse_step(file: str, index: int, raw: Any, atlas: Atlas) -> Step:
    entry = f"step {index + 1}"
    if isinstance(raw, str):  # a bare slug is allowed: "- stepanakert"
        raw = {"place": raw}
    if not isinstance(raw, dict):
        raise DataError(file, "each step must be a mapping with a 'place' (or a bare place slug)", entry=entry)
    reject_unknown_keys(raw, STEP_FIELDS, file, entry=entry)
    slug = raw.get("place")
    if not isinstance(slug, str) or not slug.strip():
        raise DataError(file, "missing or not a place slug", entry=entry, field="place")
    slug = slug.strip()
    entry = f"step {index + 1} ({slug})"
    place = atlas.by_slug.get(slug)
    if place is None:
        raise DataError(file, f"no place with slug {slug!r} in places.yaml", entry=entry, field="place")
    passages = atlas.passages[slug]
    number = raw.get("passage", 1)
    if isinstance(number, bool) or not isinstance(number, int):
        raise DataError(file, "must be a whole number counting from 1", entry=entry, field="passage")
    if not passages:
        if "passage" in raw:
            raise DataError(
                file, "the article never names this place, so it has no passage", entry=entry, field="passage"
            )
        passage, number = None, 0
    elif not 1 <= number <= len(passages):
        raise DataError(
            file,
            f"the article has {len(passages)} passage(s) for this place; choose 1 to {len(passages)}",
            entry=entry,
            field="passage",
        )
    else:
        passage = passages[number - 1]
    note = raw.get("note")
    if note is not None:
        if not isinstance(note, str) or not note.strip():
            raise DataError(file, "must be a non-empty string (or leave it out)", entry=entry, field="note")
        note = " ".join(note.split())
        if len(note) > MAX_NOTE_LENGTH:
            raise DataError(file, f"keep notes under {MAX_NOTE_LENGTH} characters", entry=entry, field="note")
    return Step(place, passage, number, note)


def parse_tour(data: Any, atlas: Atlas, file: str = "tour.yaml") -> Tour:
    """Validate the parsed YAML of a tour; raise DataError naming file, step and field."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DataError(file, "expected a mapping with 'title' and 'steps'")
    reject_unknown_keys(data, TOUR_FIELDS, file)
    title = data.get("title", DEFAULT_TITLE)
    if not isinstance(title, str) or not title.strip():
        raise DataError(file, "must be a non-empty string", field="title")
    raw_steps = data.get("steps")
    if raw_steps is None:
        return Tour(title.strip(), default_steps(atlas))
    if not isinstance(raw_steps, list) or not raw_steps:
        raise DataError(
            file, "must be a non-empty list of steps (or leave it out for the article's order)", field="steps"
        )
    return Tour(title.strip(), tuple(_parse_step(file, i, raw, atlas) for i, raw in enumerate(raw_steps)))


def load_tour(atlas: Atlas, path: Path | None = None) -> Tour:
    """The storyline in `path`, by default the tour.yaml beside the atlas's data (so
    ATLAS_DATA_DIR moves it too); the article's own order if the file does not exist."""
    path = atlas.data_dir / TOUR_FILE_NAME if path is None else path
    if not path.exists():
        return Tour(DEFAULT_TITLE, default_steps(atlas))
    return parse_tour(read_yaml(path), atlas, path.name)


def read_step_param(raw: str | list[str] | None, n_steps: int) -> tuple[int, str | None]:
    """A raw `?step=` value to a 0-based index and a notice for the reader; never raises.

    Missing means the first step, silently; anything unreadable or out of range also
    opens the first step (or the last, when the number is too large), with a notice.
    """
    if n_steps < 1:
        return 0, "This tour has no steps."
    if raw is None or raw == "" or raw == []:
        return 0, None
    value = raw[-1] if isinstance(raw, list) else raw
    if not isinstance(value, str):
        return 0, "The link's step could not be read, so the tour starts at step 1."
    text = value.strip()
    if len(text) > MAX_STEP_PARAM_LENGTH or not text.isascii() or not text.isdigit():
        return (
            0,
            f"The link asks for a step this tour cannot read; steps are numbers from 1 to {n_steps}. "
            "Starting at step 1.",
        )
    number = int(text)
    if number < 1:
        return 0, f"Steps count from 1 to {n_steps}, so the tour starts at step 1."
    if number > n_steps:
        return n_steps - 1, f"This tour has {n_steps} steps, so it opens at the last one."
    return number - 1, None


def step_link(base_url: str, number: int) -> str:
    """The page URL with `?step=<number>` (1-based), dropping any other query or fragment."""
    return page_link(base_url, {"step": str(int(number))})
