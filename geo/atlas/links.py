"""Shared links: reading a `?place=` or `?event=` value safely, and building links to places, events,
saved atlases and the app itself."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from geo.atlas.events import Event
from geo.atlas.places import SLUG_RE, Place

MAX_PARAM_LENGTH = 80
ATLAS_PARAM = "atlas"  # ?atlas=<slug>: a saved atlas, on any page


@dataclass(frozen=True)
class LinkRequest:
    """The outcome of reading `?place=` or `?event=`: a slug to open, or a notice with suggestions."""

    slug: str | None
    notice: str | None = None
    suggestions: tuple[str, ...] = ()


PlaceRequest = LinkRequest  # what read_place_param has always returned


def fold(text: str) -> str:
    """Lowercase without accents, so "Xankəndi" and "xankendi" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ə", "e")


def safe_echo(value: str, limit: int = 40) -> str:
    """A harmless rendering of untrusted input for a notice: letters, digits, spaces and hyphens only."""
    kept = re.sub(r"[^\w\s-]", "", value, flags=re.UNICODE)
    kept = " ".join(kept.split())
    return kept[:limit] + ("…" if len(kept) > limit else "")


def matching(names: Mapping[str, tuple[str, ...]], query: str) -> list[str]:
    """Slugs any of whose names contain the query (accent- and case-insensitive), in the mapping's order."""
    q = fold(query.strip())
    return [slug for slug, known in names.items() if not q or any(q in fold(n) for n in known)]


def closest(names: Mapping[str, tuple[str, ...]], value: str, n: int = 3) -> tuple[str, ...]:
    """The slugs whose names are nearest to a mistyped value."""
    q = fold(value.strip())
    if not q:
        return ()
    keys: dict[str, str] = {}
    for slug, known in names.items():
        for name in known:
            keys.setdefault(fold(name), slug)
    found: list[str] = matching(names, value) if len(q) >= 3 else []
    for key in difflib.get_close_matches(q, keys, n=n * 2, cutoff=0.5):
        found.append(keys[key])
    return tuple(dict.fromkeys(found))[:n]


def read_slug_param(
    raw: str | list[str] | None, names: Mapping[str, tuple[str, ...]], noun: str, fallback: str
) -> LinkRequest:
    """Turn a raw query value into one of the slugs of `names`, or a notice saying `fallback`; never raises.

    `names` maps each slug to every name a reader may type for it (the slug included), for suggestions.
    """
    if raw is None or raw == "" or raw == []:
        return LinkRequest(None)
    value = raw[-1] if isinstance(raw, list) else raw
    if not isinstance(value, str):
        return LinkRequest(None, f"The link's {noun} could not be read, so {fallback}.")
    candidate = value.strip().lower()
    if candidate in names:
        return LinkRequest(candidate)
    suggestions = closest(names, value[:MAX_PARAM_LENGTH])
    if len(value) > MAX_PARAM_LENGTH or not SLUG_RE.fullmatch(candidate):
        article = "an" if noun[0] in "aeiou" else "a"
        notice = f"The link asks for {article} {noun} in a form this atlas does not use, so {fallback}."
    else:
        notice = f"This atlas has no {noun} called “{safe_echo(value)}”, so {fallback}."
    return LinkRequest(None, notice, suggestions)


def place_names(places: list[Place]) -> dict[str, tuple[str, ...]]:
    return {p.slug: (p.slug, *p.all_names) for p in places}


def search_places(places: list[Place], query: str) -> list[Place]:
    """Places any of whose names or aliases contain the query (accent- and case-insensitive)."""
    found = set(matching(place_names(places), query))
    return [p for p in places if p.slug in found]


def closest_places(places: list[Place], value: str, n: int = 3) -> tuple[str, ...]:
    """Slugs of the places whose slug or names are nearest to a mistyped value."""
    return closest(place_names(places), value, n)


def read_place_param(raw: str | list[str] | None, places: list[Place]) -> LinkRequest:
    """Turn a raw `?place=` value into a slug, or a notice; never raises."""
    return read_slug_param(raw, place_names(places), "place", "the full map is shown")


def read_event_param(raw: str | list[str] | None, events: Iterable[Event]) -> LinkRequest:
    """Turn a raw `?event=` value into an event's slug, or a notice; never raises."""
    names = {e.slug: (e.slug, e.title) for e in events}
    return read_slug_param(raw, names, "event", "no event is open")


def page_link(base_url: str, params: dict[str, str]) -> str:
    """The base URL with exactly these query parameters, dropping any query or fragment it had."""
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(params), ""))


def place_link(base_url: str, slug: str | None, extra: dict[str, str] | None = None) -> str:
    """The base URL with `?place=<slug>` (and any extra parameters)."""
    return page_link(base_url, {**({"place": slug} if slug else {}), **(extra or {})})


def event_link(base_url: str, slug: str) -> str:
    """The base URL with `?event=<slug>`."""
    return page_link(base_url, {"event": slug})


def with_atlas(link: str, slug: str | None) -> str:
    """The link with `atlas=<slug>` (in place of any it had), so following it stays on that saved
    atlas; the link unchanged without a slug."""
    if not slug:
        return link
    parts = urlsplit(link)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != ATLAS_PARAM]
    return urlunsplit(parts._replace(query=urlencode([*query, (ATLAS_PARAM, slug)])))


def site_root(page_url: str, page_paths: Iterable[str]) -> str:
    """The app's own address, from the address of one of its pages: the query and fragment dropped,
    and the page's path (one of `page_paths`) cut off. It ends with "/", so a page's path or a
    query can follow it; an app served under a prefix (`/atlas/Article`) keeps the prefix."""
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if last and last in set(page_paths):
        path = head
    return urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))


def atlas_link(root_url: str, slug: str) -> str:
    """A saved atlas's link: the app's root with `?atlas=<slug>`."""
    return page_link(root_url, {ATLAS_PARAM: slug})
