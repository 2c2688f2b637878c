"""What is made once per atlas: its views, storylines, events, rendered maps, page HTML and downloads.

Streamlit reruns a page's whole script on every click of every student, so nothing a run can
share is made in the run. Caching, all of it for what is made from an atlas: a `Bundle` holds
one atlas, and each thing made from it is a method of the Bundle marked `@per_atlas`, which
makes the result on the first call and keeps it on the bundle under the method's name and
arguments, for every later call of any session of the process; the arguments are names the
atlas checked (a place's or an event's slug, a storyline, a page's map key), so what a bundle
keeps is bounded by its atlas. The bundles themselves are kept by `st.cache_resource`, one per
source (geo/app/source.py): the default atlas's for good, so a class on it pays what it always
paid, and saved atlases' and drafts' in bounded caches (MAX_SAVED and MAX_DRAFTS entries, for
KEEP_SECONDS), so a class that maps its own articles cannot exhaust the server's memory; what a
bundle made goes with it. `current()` is this run's bundle.
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import streamlit as st

from geo.app import atlas_map, source
from geo.app.atlas_map import RenderedMap
from geo.app.source import DEFAULT, Draft, Source, keep_source
from geo.atlas.context import Context
from geo.atlas.events import Event, load_events
from geo.atlas.links import fold, place_names
from geo.atlas.loader import Atlas, load_atlas
from geo.atlas.tours import DEFAULT_TOUR, Tour, load_tour
from geo.atlas.water import Waters
from geo.errors import DataError, InputError
from geo.geoparser import saved
from geo.geoparser.draft import load_draft_atlas, title_slug
from geo.render.export import single_map_html
from geo.render.maps import opening_bounds
from geo.render.serialize import events_csv_text, events_json_text, places_csv_text, places_geojson_text
from geo.render.templating import render
from geo.render.view_models import (
    ArticleView,
    AtlasView,
    StepView,
    TimelineView,
    article_view,
    atlas_view,
    search_hint,
    step_views,
    timeline_view,
)

# Bounds on the atlases other than the default one held in memory at once, and for how long.
MAX_SAVED, MAX_DRAFTS = int(os.environ.get("ATLAS_MAX_SAVED", "8")), int(os.environ.get("ATLAS_MAX_DRAFTS", "8"))
KEEP_SECONDS = 3600
MAX_CUSTOM = 32  # a teacher's own storylines' steps kept per bundle

P = ParamSpec("P")
R = TypeVar("R")


def per_atlas(make: Callable[Concatenate[Bundle, P], R]) -> Callable[Concatenate[Bundle, P], R]:
    """Make a Bundle method's result once per bundle and arguments (defaults filled in), and keep it.

    Two sessions asking at once may both make it (nothing waits on a lock while a map renders);
    the first one kept is the one every caller gets.
    """
    signature = inspect.signature(make)
    arity = len(signature.parameters) - 1

    @functools.wraps(make)
    def kept(self: Bundle, *args: P.args, **kwargs: P.kwargs) -> R:
        if kwargs or len(args) < arity:
            bound = signature.bind(self, *args, **kwargs)
            bound.apply_defaults()
            args = bound.args[1:]  # type: ignore[assignment]
        key = (make.__name__, *args)
        try:
            return self._made[key]
        except KeyError:
            pass
        value = make(self, *args)
        with self._lock:
            return self._made.setdefault(key, value)

    return kept


class Bundle:
    """One atlas and everything made from it, each made once, on first use, and kept with it."""

    def __init__(
        self,
        atlas: Atlas,
        src: Source = DEFAULT,
        tours: Mapping[str, Tour] | None = None,
        events: tuple[Event, ...] | None = None,
        layers: tuple[Context, Waters] | None = None,
    ):
        """`tours`, `events` and `layers` come already read with a saved atlas or a draft (a draft's
        folder is gone once it is loaded); the default atlas reads its own files when asked."""
        self.atlas = atlas
        self.source = src
        # A saved atlas's or a draft's orientation layers; the default atlas's are static/atlas/context.js.
        self.layers = layers
        self._tours = dict(tours or {})
        self._events = events
        self._made: dict[tuple[Any, ...], Any] = {}
        self._custom: OrderedDict[tuple[Any, ...], Any] = OrderedDict()  # see `custom`
        self._lock = threading.Lock()

    # The atlas's data and views ---------------------------------------------------------------

    @per_atlas
    def tour(self, name: str = DEFAULT_TOUR) -> Tour:
        """A storyline of the classroom tour (geo.atlas.tours names them); DataError if its file is broken."""
        return self._tours[name] if name in self._tours else load_tour(self.atlas, name=name)

    @per_atlas
    def events(self) -> tuple[Event, ...]:
        """The article's chronology (events.yaml), in date order; none without the file."""
        return self._events if self._events is not None else load_events(self.atlas)

    @per_atlas
    def view(self) -> AtlasView:
        """Every place's view: a run only picks one."""
        return atlas_view(self.atlas)

    @per_atlas
    def article(self) -> ArticleView:
        return article_view(self.atlas)

    @per_atlas
    def timeline(self) -> TimelineView:
        """Every event's view and place on the time axis."""
        return timeline_view(self.atlas, self.events())

    @per_atlas
    def steps(self, name: str = DEFAULT_TOUR) -> tuple[StepView, ...]:
        """A storyline's steps as the tour shows them."""
        story = self.tour(name)
        return step_views(self.view(), story, self.timeline() if any(step.event for step in story.steps) else None)

    def custom(self, key: tuple[Any, ...], make: Callable[[], R]) -> R:
        """What `make` makes for a teacher's own storyline (geo/app/own_tours.py), kept for the
        MAX_CUSTOM keys used last: such storylines are not the atlas's, so what is kept must be bounded."""
        with self._lock:
            if key in self._custom:
                self._custom.move_to_end(key)
                return self._custom[key]
        value = make()
        with self._lock:
            self._custom[key] = value
            while len(self._custom) > MAX_CUSTOM:
                self._custom.popitem(last=False)
        return value

    def custom_steps(self, tour: Tour) -> tuple[StepView, ...]:
        """A teacher's own storyline's steps as the tour shows them."""
        timeline = self.timeline() if any(step.event for step in tour.steps) else None
        return self.custom(("steps", tour.key()), lambda: step_views(self.view(), tour, timeline))

    # Links and names ----------------------------------------------------------------------------

    @per_atlas
    def place_hrefs(self) -> dict[str, str]:
        """Each place's link on the current page (`?place=<slug>`), for the mentions in passages."""
        return {p.slug: keep_source(f"?place={p.slug}", self.source) for p in self.atlas.places}

    @per_atlas
    def event_hrefs(self) -> dict[str, str]:
        """Each event's link on the current page (`?event=<slug>`)."""
        return {e.slug: keep_source(f"?event={e.slug}", self.source) for e in self.timeline().events}

    @per_atlas
    def file_stem(self, default: str = "karabakh-atlas") -> str:
        """How a download's file name starts: `default` on the default atlas, else the atlas's title
        as a slug, so a file taken from another article's atlas is not named after Karabakh."""
        return default if self.source.is_default else title_slug(self.atlas.meta.title)

    # What the pages draw --------------------------------------------------------------------------

    @per_atlas
    def article_html(self) -> str:
        """The article with every mention linked: the same for every reader."""
        return render("article_text.html", article=self.article(), view=self.view(), hrefs=self.place_hrefs())

    @per_atlas
    def place_list_html(self) -> str:
        """Explore's list of places with its search field: the same markup whatever is selected or
        typed, so a change of place sends it as a reference. Each place carries its names and aliases
        folded (links.fold), which static/atlas/place-list.js matches the folded query against, as
        links.search_places does."""
        known = place_names(self.atlas.places)
        names = {slug: "\n".join(dict.fromkeys(fold(n) for n in all_names)) for slug, all_names in known.items()}
        return render(
            "place_list.html",
            groups=self.view().groups,
            hrefs=self.place_hrefs(),
            names=names,
            hint=search_hint(self.view(), self.source.is_default),
        )

    @per_atlas
    def timeline_html(self) -> tuple[str, str]:
        """The timeline's axis and its list of events: the same markup whatever is selected, so after a
        change of place it travels as a reference to what the browser has; static/atlas/timeline.js
        marks the selection in it from timeline_state."""
        context = {
            "timeline": self.timeline(),
            "links": self.event_hrefs(),
            "selected": None,
            "marked": (),
            "live": True,
        }
        return render("timeline.html", parts=("axis",), **context), render("timeline.html", parts=("list",), **context)

    def timeline_state(self, place: str | None, event: str | None) -> str:
        """The selection the timeline marks: the open event, and the events of the selected place
        (unknown slugs select nothing). A few hundred bytes, sent with every change."""
        known = {e.slug for e in self.timeline().events}
        return self._timeline_state(place if place in self.atlas.by_slug else None, event if event in known else None)

    @per_atlas
    def _timeline_state(self, place: str | None, event: str | None) -> str:
        timeline = self.timeline()
        name = next((p.name for p in self.view().places if p.slug == place), None)
        marked = timeline.involving(place) if name else frozenset()
        in_order = [e.slug for e in timeline.events if e.slug in marked]
        return render("timeline_state.html", selected=event, marked=in_order, place_name=name)

    @per_atlas
    def page_map(self, key: str, frame_css: tuple[str, ...] = ()) -> RenderedMap:
        """The atlas's map for the page whose map has this key (see atlas_map.render_page_map)."""
        return atlas_map.render_page_map(self.atlas, key, frame_css, self.layers, world=self.about_anywhere)

    @property
    def about_anywhere(self) -> bool:
        """A draft or a saved atlas may be about any place on Earth: its map draws the world's
        outlines and opens on its places, where the default atlas keeps its Caucasus map."""
        return not self.source.is_default

    @per_atlas
    def opening_bounds(self) -> list[list[float]] | None:
        """Where the map opens with nothing selected: the atlas's places, or None for the default view."""
        return opening_bounds(self.atlas) if self.about_anywhere else None

    def highlight(self, slug: str | None) -> str | None:
        """The selected place's highlight script; None for no place or a name that is no place."""
        return self._highlight(slug) if slug is not None and slug in self.atlas.by_slug else None

    @per_atlas
    def _highlight(self, slug: str) -> str | None:
        if self.layers is None:  # the default atlas: its page maps draw their places from places.js
            return atlas_map.render_script_highlight(self.atlas, (slug,))
        return atlas_map.render_highlight(self.atlas, slug)

    def highlight_places(self, slugs: tuple[str, ...]) -> str | None:
        """An event's places highlighted together (names that are no place left out)."""
        known = tuple(slug for slug in slugs if slug in self.atlas.by_slug)
        return self._highlight_places(known) if known else None

    @per_atlas
    def _highlight_places(self, slugs: tuple[str, ...]) -> str | None:
        if self.layers is None:
            return atlas_map.render_script_highlight(self.atlas, slugs)
        return atlas_map.render_places_highlight(self.atlas, slugs)

    # Downloads: made when a button asks for them, off the script's thread ------------------------

    def map_file(self, slug: str | None) -> str:
        """The map as one offline HTML file, on a place or on the whole atlas."""
        return self._map_file(slug if slug in self.atlas.by_slug else None)

    @per_atlas
    def _map_file(self, slug: str | None) -> str:
        return single_map_html(self.atlas, slug, self.layers, world=self.about_anywhere)

    @per_atlas
    def places_files(self) -> tuple[str, str]:
        """The places as GeoJSON and as CSV."""
        return places_geojson_text(self.atlas), places_csv_text(self.atlas)

    @per_atlas
    def events_files(self) -> tuple[str, str]:
        """The events as JSON and as CSV."""
        events = self.events()
        return events_json_text(events), events_csv_text(events)


@st.cache_resource(show_spinner=False)
def _default_bundle() -> Bundle:
    """ATLAS_DATA_DIR or data/: never evicted, as every page of every session reads it."""
    return Bundle(load_atlas())


@st.cache_resource(show_spinner=False, max_entries=MAX_SAVED, ttl=KEEP_SECONDS)
def _saved_bundle(root: str, slug: str) -> Bundle:
    """A saved atlas, read whole (so one removed from the folder while cached still serves)."""
    kept = saved.load_saved(Path(root), slug)
    return Bundle(
        kept.atlas, Source("saved", slug), {DEFAULT_TOUR: kept.tour}, kept.events, (kept.context, kept.waters)
    )


@st.cache_resource(show_spinner=False, max_entries=MAX_DRAFTS, ttl=KEEP_SECONDS)
def _draft_bundle(digest: str, _files: Mapping[str, bytes]) -> Bundle:
    """A draft's bundle, keyed by its content hash (`_files` is not hashed again).

    Its folder is gone once it is loaded, so the tour, the events and the orientation layers come
    with it; with no events, the chronology storyline is not offered (geo.atlas.tours.storylines).
    """
    draft = load_draft_atlas(dict(_files))
    return Bundle(
        draft.atlas, Source("draft", digest), {DEFAULT_TOUR: draft.tour}, draft.events, (draft.context, draft.waters)
    )


def check_draft(draft: Draft) -> str | None:
    """Why a draft cannot open as an atlas, or None: it is then loaded, and kept ready to show."""
    try:
        _draft_bundle(draft.digest, draft.files)
    except (DataError, InputError) as exc:
        return str(exc)
    return None


def current() -> Bundle:
    """The bundle of this run's atlas (the default one when the source's atlas is no longer there)."""
    src = source.current()
    if src.kind == "saved":
        root = saved.saved_root()
        return _saved_bundle(str(root), src.key) if root is not None else _default_bundle()
    draft = source.draft()
    if draft is not None:
        return _draft_bundle(draft.digest, draft.files)
    return _default_bundle()
