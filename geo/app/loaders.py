"""What every page loads, for the atlas this run shows, and the gate that stops a page on broken data.

A run shows one of three atlases, its *source*:

- the default atlas (ATLAS_DATA_DIR, or data/): the Karabakh article;
- a saved atlas, `?atlas=<slug>`, a folder under ATLAS_SAVED_DIR (only when it is set);
- the session's own draft, made on the page "Map your own article": its files' bytes live
  in the session state, never on the server's disk.

`open_atlas` decides the source once per run (from the link, else the session) and keeps it
in the session state, so switching pages keeps it; every other loader reads it from there.
Everything made from an atlas (its views, tours, rendered maps) is kept in one `Bundle` per
source and process. The default atlas's bundle is never evicted, so a class on the default
atlas pays what it always paid; other bundles live in bounded caches (a few, for an hour),
so a class that maps its own articles cannot exhaust the server's memory.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import streamlit as st

from geo.atlas.context import Context
from geo.atlas.events import Event, load_events
from geo.atlas.links import safe_echo
from geo.atlas.loader import Atlas, load_atlas
from geo.atlas.tours import DEFAULT_TOUR, Tour, load_tour
from geo.atlas.water import Waters
from geo.errors import DataError, InputError
from geo.geoparser import saved
from geo.geoparser.draft import load_draft_atlas, slugify
from geo.render.view_models import (
    ArticleView,
    AtlasView,
    StepView,
    TimelineView,
    article_view,
    atlas_view,
    step_views,
    timeline_view,
)

PARAM = "atlas"  # ?atlas=<slug>: a saved atlas
SOURCE = "atlas-source"  # session state: the Source this session shows
DRAFT = "atlas-draft"  # session state: the session's own Draft
OPENED = "atlas-opened"  # session state: a draft was just opened, so its first page starts at the top
# Bounds on the atlases other than the default one held in memory at once, and for how long.
MAX_SAVED, MAX_DRAFTS = int(os.environ.get("ATLAS_MAX_SAVED", "8")), int(os.environ.get("ATLAS_MAX_DRAFTS", "8"))
KEEP_SECONDS = 3600

T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """Which atlas a run shows: its kind and key (a saved atlas's slug, a draft's content hash)."""

    kind: str = "default"  # "default", "saved" or "draft"
    key: str = ""

    @property
    def is_default(self) -> bool:
        return self.kind == "default"

    @property
    def slug(self) -> str | None:
        """The saved atlas's slug, which every internal link carries (`atlas=<slug>`)."""
        return self.key if self.kind == "saved" else None

    @property
    def cache_key(self) -> str:
        """A short text naming the source, for caches keyed by it."""
        return f"{self.kind}:{self.key}"


DEFAULT = Source()


@dataclass(frozen=True)
class Draft:
    """A session's own atlas: every file of its data folder, in memory."""

    files: Mapping[str, bytes] = field(repr=False)
    title: str
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", files_digest(self.files))


def files_digest(files: Mapping[str, bytes]) -> str:
    """A hash of a data folder's names and contents: the same draft, the same cache entry."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest()[:32]


class Bundle:
    """One atlas and everything made from it, each made once, on first use, and kept with it."""

    def __init__(
        self,
        atlas: Atlas,
        tours: Mapping[str, Tour] | None = None,
        events: tuple[Event, ...] | None = None,
        layers: tuple[Context, Waters] | None = None,
    ):
        self.atlas = atlas
        # A saved atlas's or a draft's orientation layers; the default atlas's are static/atlas/context.js.
        self.layers = layers
        self._made: dict[Any, Any] = {}
        self._lock = threading.Lock()
        if tours is not None:
            self._made.update({("tour", name): tour for name, tour in tours.items()})
        if events is not None:
            self._made["events"] = events

    def get(self, key: Any, make: Callable[[], T]) -> T:
        """The thing named `key`, made by `make` the first time it is asked for."""
        try:
            return self._made[key]
        except KeyError:
            pass
        value = make()  # outside the lock: another session may make it too, the first one kept
        with self._lock:
            return self._made.setdefault(key, value)


@st.cache_resource(show_spinner=False)
def _default_bundle() -> Bundle:
    """ATLAS_DATA_DIR or data/: never evicted, as every page of every session reads it."""
    return Bundle(load_atlas())


@st.cache_resource(show_spinner=False, max_entries=MAX_SAVED, ttl=KEEP_SECONDS)
def _saved_bundle(root: str, slug: str) -> Bundle:
    """A saved atlas, read whole (so one removed from the folder while cached still serves)."""
    saved_atlas = saved.load_saved(Path(root), slug)
    return Bundle(
        saved_atlas.atlas,
        {DEFAULT_TOUR: saved_atlas.tour},
        saved_atlas.events,
        (saved_atlas.context, saved_atlas.waters),
    )


@st.cache_resource(show_spinner=False, max_entries=MAX_DRAFTS, ttl=KEEP_SECONDS)
def _draft_bundle(digest: str, _files: Mapping[str, bytes]) -> Bundle:
    """A draft's bundle, keyed by its content hash (`_files` is not hashed again).

    Its folder is gone once it is loaded, so the tour, the events and the orientation layers come
    with it; with no events, the chronology storyline is not offered (geo.tour.storylines).
    """
    draft = load_draft_atlas(dict(_files))
    return Bundle(draft.atlas, {DEFAULT_TOUR: draft.tour}, draft.events, (draft.context, draft.waters))


def check_draft(draft: Draft) -> str | None:
    """Why a draft cannot open as an atlas, or None: it is then loaded, and kept ready to show."""
    try:
        _draft_bundle(draft.digest, draft.files)
    except (DataError, InputError) as exc:
        return str(exc)
    return None


def source() -> Source:
    """The source this session shows, as `open_atlas` decided it on this run."""
    return st.session_state.get(SOURCE, DEFAULT)


def bundle() -> Bundle:
    """The bundle of this run's atlas."""
    src = source()
    if src.kind == "default":
        return _default_bundle()
    if src.kind == "saved":
        root = saved.saved_root()
        return _saved_bundle(str(root), src.key) if root is not None else _default_bundle()
    draft = st.session_state.get(DRAFT)
    if draft is None or draft.digest != src.key:
        return _default_bundle()
    return _draft_bundle(draft.digest, draft.files)


def cache_key() -> str:
    """This run's source as text: the key that caches of things made from the atlas add to theirs."""
    return source().cache_key


def atlas() -> Atlas:
    return bundle().atlas


def tour(name: str = DEFAULT_TOUR) -> Tour:
    """A storyline of the classroom tour (geo.tour.TOURS names them)."""
    b = bundle()
    return b.get(("tour", name), lambda: load_tour(b.atlas, name=name))


def view() -> AtlasView:
    """Every place's view, made once per atlas: a run only picks one."""
    b = bundle()
    return b.get("view", lambda: atlas_view(b.atlas))


def article() -> ArticleView:
    b = bundle()
    return b.get("article", lambda: article_view(b.atlas))


def keep_source(link: str, src: Source | None = None) -> str:
    """The link with `atlas=<slug>` added for a saved atlas, so following it stays on that atlas."""
    slug = (src or source()).slug
    if not slug:
        return link
    parts = urlsplit(link)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM]
    return urlunsplit(parts._replace(query=urlencode([*query, (PARAM, slug)])))


def shareable() -> bool:
    """Whether this run's atlas has a link to share: a draft has none until it is saved."""
    return source().kind != "draft"


def unshared_notice() -> str:
    """Why a draft shows no link or QR code, and how to share it."""
    how = (
        "save the atlas on the page Map your own article to get its link"
        if saved.saved_root() is not None
        else "download its static site from the page Map your own article"
    )
    return f"This draft has no link to share yet: it lives only in this browser tab. To share it, {how}."


def place_hrefs() -> dict[str, str]:
    """Each place's link on the current page (`?place=<slug>`), for the mentions in passages."""
    b, src = bundle(), source()
    return b.get("place-hrefs", lambda: {p.slug: keep_source(f"?place={p.slug}", src) for p in b.atlas.places})


def file_stem(default: str = "karabakh-atlas") -> str:
    """How a download's file name starts: `default` on the default atlas, else the shown atlas's
    title as a slug, so a file taken from another article's atlas is not named after Karabakh."""
    if source().is_default:
        return default
    stem = slugify(atlas().meta.title, set())[:60].strip("-")
    return stem if stem and stem != "place" else "atlas"  # "place": slugify's word for a title with no letters


def events() -> tuple[Event, ...]:
    """The article's chronology (events.yaml), in date order; none without the file."""
    b = bundle()
    return b.get("events", lambda: load_events(b.atlas))


def timeline() -> TimelineView:
    """Every event's view and place on the time axis, made once per atlas."""
    b = bundle()
    return b.get("timeline", lambda: timeline_view(b.atlas, events()))


def steps(name: str = DEFAULT_TOUR) -> tuple[StepView, ...]:
    b = bundle()

    def make() -> tuple[StepView, ...]:
        story = tour(name)
        return step_views(view(), story, timeline() if any(step.event for step in story.steps) else None)

    return b.get(("steps", name), make)


def memo(key: Any, make: Callable[[], T]) -> T:
    """Something a page makes from this run's atlas (a rendered map, a page of HTML), made once per atlas."""
    return bundle().get(key, make)


# Deciding the source -------------------------------------------------------------------------


def _saved_source(values: list[str]) -> tuple[Source | None, str | None]:
    """The saved atlas a link names, or a notice saying why it cannot open."""
    root = saved.saved_root()
    echo = safe_echo(values[0]) if values else ""
    if root is None:
        return None, "This server keeps no saved atlases, so here is the Karabakh atlas."
    try:
        slug = saved.check_slug(values[0]) if len(values) == 1 else None
        # A link leaving the folder is refused; a folder still being saved has no article.yaml yet.
        found = slug is not None and (saved.saved_dir(root, slug) / "article.yaml").is_file()
    except InputError:
        found = False
    if not found:
        return None, f"There is no saved atlas named “{echo}” here, so here is the Karabakh atlas."
    return Source("saved", slug), None


def resolve_source() -> tuple[Source, str | None]:
    """Which atlas this run shows, and a notice when the link names one that cannot open.

    `?atlas=` wins; without it the session keeps the atlas it shows (a page switch drops the
    link's parameters, so a saved atlas's slug is put back in the address bar).
    """
    state = st.session_state
    values = st.query_params.get_all(PARAM)
    current = state.get(SOURCE, DEFAULT)
    if values:
        found, notice = _saved_source(values)
        if found is None:
            del st.query_params[PARAM]
            return DEFAULT, notice
        return found, None
    if current.kind == "saved":
        st.query_params[PARAM] = current.key
        return current, None
    if current.kind == "draft":
        draft = state.get(DRAFT)
        if draft is not None and draft.digest == current.key:
            return current, None
        return DEFAULT, "Your draft atlas is no longer in this session, so here is the Karabakh atlas."
    return DEFAULT, None


def use_default() -> None:
    """Back to the default atlas (the session keeps its draft, to open again)."""
    st.session_state[SOURCE] = DEFAULT
    if PARAM in st.query_params:
        del st.query_params[PARAM]


def use_draft(draft: Draft) -> None:
    """Show the session's own draft from the next run on."""
    st.session_state[DRAFT] = draft
    st.session_state[SOURCE] = Source("draft", draft.digest)
    st.session_state[OPENED] = True
    if PARAM in st.query_params:
        del st.query_params[PARAM]
