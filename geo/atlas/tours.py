"""The classroom tours: storylines of steps through the article (data/tour.yaml, data/tour-chronology.yaml).

Each step names a place and which of its passages to show (or `passage: none`), or an event of
the article's chronology (data/events.yaml, shown with the passage that dates it and all its
places), with an optional note for the teacher, an optional text of the teacher's own shown to
the class (`text`), other places lit with it (`also`) and the map's view (`view: {lat, lon,
zoom}`; fitted to the step's places without it). Without a `steps` list a tour visits every place
the article mentions, in the order the article introduces them. Step numbers in links are
1-based (`?step=3`); a storyline other than the first is named in the link too
(`?tour=chronology&step=3`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.atlas.article import Passage
from geo.atlas.datafile import read_yaml, reject_unknown_keys
from geo.atlas.events import Event, load_events
from geo.atlas.links import page_link, read_slug_param
from geo.atlas.loader import Atlas
from geo.atlas.places import Place
from geo.errors import DataError

TOUR_FILE_NAME = "tour.yaml"
# Every storyline a link can name (`?tour=<name>`), with its file; the first is the default.
TOURS = {"places": TOUR_FILE_NAME, "chronology": "tour-chronology.yaml"}
DEFAULT_TOUR = "places"
CHRONOLOGY = "chronology"
TOUR_LABELS = {"places": "The places", "chronology": "The chronology"}
TOUR_FIELDS = ("title", "steps")
STEP_FIELDS = ("place", "event", "passage", "note", "text", "view", "also", "kind")
VIEW_FIELDS = ("lat", "lon", "zoom")
NO_PASSAGE = "none"  # `passage: none`: the step shows no passage
# A step shows its place or event; a question step first asks the class where it is (geo/rooms/quiz.py).
STEP_KINDS = ("show", "question")
DEFAULT_TITLE = "Classroom tour"
MAX_NOTE_LENGTH = 600  # a note's and a text's length
MAX_ALSO = 20  # other places lit with one step
ZOOM_RANGE = (1, 18)
MAX_STEP_PARAM_LENGTH = 12


@dataclass(frozen=True)
class View:
    """A map view the teacher chose: its centre and zoom."""

    lat: float
    lon: float
    zoom: int


@dataclass(frozen=True)
class Step:
    """One stop of the tour: a place, the passage shown for it, and the teacher's note."""

    place: Place  # for an event, its first place
    passage: Passage | None  # for an event, the sentence that dates it
    passage_number: int  # 1-based index into the place's passages (0 when it has none, or for an event)
    note: str | None = None
    event: Event | None = None
    text: str | None = None  # the teacher's own words, shown to the class
    view: View | None = None  # the map's view; None: fitted to the step's places
    also: tuple[str, ...] = ()  # other places lit with it
    kind: str = "show"  # or "question": the class answers where it is before it is shown

    @property
    def slug(self) -> str:
        return self.place.slug

    @property
    def places(self) -> tuple[str, ...]:
        """Every place the step shows on the map: an event's places, or the one place, then the others lit."""
        own = self.event.places if self.event else (self.place.slug,)
        return own + tuple(s for s in self.also if s not in own)

    def key(self) -> tuple[Any, ...]:
        """A hashable summary, for caches keyed on the storyline."""
        event = self.event.slug if self.event else ""
        return (
            self.place.slug,
            self.passage_number,
            self.note or "",
            event,
            self.text or "",
            self.view,
            self.also,
            self.kind,
        )


@dataclass(frozen=True)
class Tour:
    title: str
    steps: tuple[Step, ...]
    name: str = DEFAULT_TOUR  # the storyline's name in links

    def __len__(self) -> int:
        return len(self.steps)

    def key(self) -> tuple[Any, ...]:
        return (self.name, self.title, *(s.key() for s in self.steps))


def default_steps(atlas: Atlas) -> tuple[Step, ...]:
    """Every place the article mentions, in article order, each with its first passage."""
    return tuple(Step(p, atlas.passages[p.slug][0], 1) for p in atlas.places if atlas.passages[p.slug])


def _note(raw: dict, file: str, entry: str, key: str = "note") -> str | None:
    """A note or a text: one line of at most MAX_NOTE_LENGTH characters, or None when left out."""
    note = raw.get(key)
    if note is not None:
        if not isinstance(note, str) or not note.strip():
            raise DataError(file, "must be a non-empty string (or leave it out)", entry=entry, field=key)
        note = " ".join(note.split())
        if len(note) > MAX_NOTE_LENGTH:
            raise DataError(file, f"keep it under {MAX_NOTE_LENGTH} characters", entry=entry, field=key)
    return note


def _kind(raw: dict, file: str, entry: str, atlas: Atlas, slugs: tuple[str, ...]) -> str:
    """The step's kind; a question needs a place drawn on the map, to measure the answers from."""
    kind = raw.get("kind", "show")
    if kind not in STEP_KINDS:
        raise DataError(file, f"must be one of {', '.join(STEP_KINDS)}", entry=entry, field="kind")
    if kind == "question" and not any(atlas.shape(atlas.by_slug[slug]) for slug in slugs):
        raise DataError(file, "a question needs a place drawn on the map", entry=entry, field="kind")
    return kind


def _number(value: Any, low: float, high: float, file: str, entry: str, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise DataError(file, f"must be a number from {low:g} to {high:g}", entry=entry, field=field)
    return float(value)


def _view(raw: dict, file: str, entry: str) -> View | None:
    """`view: {lat, lon, zoom}`, every key required; None when left out (the view fits the places)."""
    view = raw.get("view")
    if view is None:
        return None
    if not isinstance(view, dict):
        raise DataError(file, "must be a mapping with lat, lon and zoom (or leave it out)", entry=entry, field="view")
    reject_unknown_keys(view, VIEW_FIELDS, file, entry=entry, parent="view")
    lat = _number(view.get("lat"), -90, 90, file, entry, "view.lat")
    lon = _number(view.get("lon"), -180, 180, file, entry, "view.lon")
    zoom = view.get("zoom")
    if isinstance(zoom, bool) or not isinstance(zoom, int) or not ZOOM_RANGE[0] <= zoom <= ZOOM_RANGE[1]:
        raise DataError(
            file, f"must be a whole number from {ZOOM_RANGE[0]} to {ZOOM_RANGE[1]}", entry=entry, field="view.zoom"
        )
    return View(round(lat, 5), round(lon, 5), zoom)


def _also(raw: dict, file: str, entry: str, atlas: Atlas) -> tuple[str, ...]:
    """`also: [slug, ...]`: other places lit with the step, each a place of the atlas, each once."""
    also = raw.get("also")
    if also is None:
        return ()
    if not isinstance(also, list) or len(also) > MAX_ALSO:
        raise DataError(file, f"must be a list of at most {MAX_ALSO} place slugs", entry=entry, field="also")
    slugs: list[str] = []
    for i, slug in enumerate(also, 1):
        if not isinstance(slug, str) or slug.strip() not in atlas.by_slug:
            shown = repr(slug.strip() if isinstance(slug, str) else slug)[:42]  # a hostile value echoed short
            raise DataError(file, f"no place with slug {shown} in places.yaml", entry=entry, field=f"also[{i}]")
        if slug.strip() not in slugs:
            slugs.append(slug.strip())
    return tuple(slugs)


def _extras(raw: dict, file: str, entry: str, atlas: Atlas, slugs: tuple[str, ...]) -> dict[str, Any]:
    """The fields every step may have, whatever it shows; `slugs` are the places it asks about."""
    return {
        "kind": _kind(raw, file, entry, atlas, slugs),
        "note": _note(raw, file, entry),
        "text": _note(raw, file, entry, "text"),
        "view": _view(raw, file, entry),
        "also": _also(raw, file, entry, atlas),
    }


def _event_step(file: str, index: int, raw: dict, atlas: Atlas, events: tuple[Event, ...]) -> Step:
    entry = f"step {index + 1}"
    slug = raw.get("event")
    if "place" in raw or "passage" in raw:
        field = "place" if "place" in raw else "passage"
        raise DataError(file, "a step shows a place or an event, not both", entry=entry, field=field)
    if not isinstance(slug, str) or not slug.strip():
        raise DataError(file, "missing or not an event slug", entry=entry, field="event")
    slug = slug.strip()
    entry = f"step {index + 1} ({slug[:40]})"
    event = next((e for e in events if e.slug == slug), None)
    if event is None:
        raise DataError(file, f"no event with slug {slug[:40]!r} in events.yaml", entry=entry, field="event")
    extras = _extras(raw, file, entry, atlas, event.places)
    return Step(atlas.by_slug[event.places[0]], event.quote.passage, 0, event=event, **extras)


def _parse_step(file: str, index: int, raw: Any, atlas: Atlas, events: tuple[Event, ...] = ()) -> Step:
    entry = f"step {index + 1}"
    if isinstance(raw, str):  # a bare slug is allowed: "- stepanakert"
        raw = {"place": raw}
    if not isinstance(raw, dict):
        raise DataError(file, "each step must be a mapping with a 'place' (or a bare place slug)", entry=entry)
    reject_unknown_keys(raw, STEP_FIELDS, file, entry=entry)
    if "event" in raw:
        return _event_step(file, index, raw, atlas, events)
    slug = raw.get("place")
    if not isinstance(slug, str) or not slug.strip():
        raise DataError(file, "missing or not a place slug", entry=entry, field="place")
    slug = slug.strip()
    entry = f"step {index + 1} ({slug[:40]})"
    place = atlas.by_slug.get(slug)
    if place is None:
        raise DataError(file, f"no place with slug {slug[:40]!r} in places.yaml", entry=entry, field="place")
    passages = atlas.passages[slug]
    number = raw.get("passage", 1)
    if number == NO_PASSAGE:
        return Step(place, None, 0, **_extras(raw, file, entry, atlas, (slug,)))
    if isinstance(number, bool) or not isinstance(number, int):
        raise DataError(
            file, f"must be a whole number counting from 1, or {NO_PASSAGE!r}", entry=entry, field="passage"
        )
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
    return Step(place, passage, number, **_extras(raw, file, entry, atlas, (slug,)))


def tour_title(data: Any, file: str) -> str:
    """The title of a storyline's parsed YAML, once its top level is known to hold only a tour's keys.

    Both the built-in tours and an uploaded draft start here, so they refuse the same files alike.
    """
    if not isinstance(data, dict):
        raise DataError(file, "expected a mapping with 'title' and 'steps'")
    reject_unknown_keys(data, TOUR_FIELDS, file)
    title = data.get("title", DEFAULT_TITLE)
    if not isinstance(title, str) or not title.strip():
        raise DataError(file, "must be a non-empty string", field="title")
    return title


def parse_tour(
    data: Any, atlas: Atlas, file: str = "tour.yaml", name: str = DEFAULT_TOUR, events: tuple[Event, ...] | None = None
) -> Tour:
    """Validate the parsed YAML of a tour; raise DataError naming file, step and field.

    Event steps are looked up in `events`, by default the events.yaml beside the atlas's data.
    """
    if data is None:
        data = {}
    title = tour_title(data, file)
    raw_steps = data.get("steps")
    if raw_steps is None:
        return Tour(title.strip(), default_steps(atlas), name)
    if not isinstance(raw_steps, list) or not raw_steps:
        raise DataError(
            file, "must be a non-empty list of steps (or leave it out for the article's order)", field="steps"
        )
    if events is None and any(isinstance(raw, dict) and "event" in raw for raw in raw_steps):
        events = load_events(atlas)
    steps = tuple(_parse_step(file, i, raw, atlas, events or ()) for i, raw in enumerate(raw_steps))
    return Tour(title.strip(), steps, name)


def load_tour(atlas: Atlas, path: Path | None = None, *, name: str = DEFAULT_TOUR) -> Tour:
    """The storyline `name` (its file in TOURS) or the one in `path`, read beside the atlas's data by
    default (so ATLAS_DATA_DIR moves it too); the article's own order if the file does not exist."""
    path = atlas.data_dir / TOURS[name] if path is None else path
    if not path.exists():
        return Tour(DEFAULT_TITLE, default_steps(atlas), name)
    return parse_tour(read_yaml(path), atlas, path.name, name)


def storylines(events: Sequence[Event]) -> tuple[str, ...]:
    """The storylines an atlas can tell: the chronology only when it has events to tell it by
    (without them it would only repeat the article's order under another name)."""
    return tuple(name for name in TOURS if name != CHRONOLOGY or events)


def read_tour_param(raw: str | list[str] | None, names: Sequence[str] = tuple(TOURS)) -> tuple[str, str | None]:
    """A raw `?tour=` value to one of the storylines `names` and a notice for the reader; never raises."""
    request = read_slug_param(raw, {name: (name,) for name in names}, "tour", "the first tour is shown")
    return request.slug or DEFAULT_TOUR, request.notice


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


def step_link(base_url: str, number: int, tour: str = DEFAULT_TOUR) -> str:
    """The page URL with `?step=<number>` (1-based), and `tour=<name>` for a storyline other than the
    first, dropping any other query or fragment."""
    return page_link(base_url, {**({"tour": tour} if tour != DEFAULT_TOUR else {}), "step": str(int(number))})
