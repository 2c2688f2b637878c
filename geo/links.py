"""Shared links: reading a `?place=` value safely, and building links to a place."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from geo.gazetteer import SLUG_RE, Place

MAX_PARAM_LENGTH = 80


@dataclass(frozen=True)
class PlaceRequest:
    """The outcome of reading `?place=`: a slug to open, or a notice with suggestions."""

    slug: str | None
    notice: str | None = None
    suggestions: tuple[str, ...] = ()


def fold(text: str) -> str:
    """Lowercase without accents, so "Xankəndi" and "xankendi" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ə", "e")


def safe_echo(value: str, limit: int = 40) -> str:
    """A harmless rendering of untrusted input for a notice: letters, digits, spaces and hyphens only."""
    kept = re.sub(r"[^\w\s-]", "", value, flags=re.UNICODE)
    kept = " ".join(kept.split())
    return kept[:limit] + ("…" if len(kept) > limit else "")


def search_places(places: list[Place], query: str) -> list[Place]:
    """Places any of whose names or aliases contain the query (accent- and case-insensitive)."""
    q = fold(query.strip())
    if not q:
        return list(places)
    return [p for p in places if any(q in fold(n) for n in (p.slug, *p.all_names))]


def closest_places(places: list[Place], value: str, n: int = 3) -> tuple[str, ...]:
    """Slugs of the places whose slug or names are nearest to a mistyped value."""
    q = fold(value.strip())
    if not q:
        return ()
    keys: dict[str, str] = {}
    for p in places:
        for name in (p.slug, *p.all_names):
            keys.setdefault(fold(name), p.slug)
    found: list[str] = [p.slug for p in search_places(places, value)] if len(q) >= 3 else []
    for key in difflib.get_close_matches(q, keys, n=n * 2, cutoff=0.5):
        found.append(keys[key])
    return tuple(dict.fromkeys(found))[:n]


def read_place_param(raw: str | list[str] | None, places: list[Place]) -> PlaceRequest:
    """Turn a raw query value into a slug, or a notice; never raises."""
    if raw is None or raw == "" or raw == []:
        return PlaceRequest(None)
    value = raw[-1] if isinstance(raw, list) else raw
    if not isinstance(value, str):
        return PlaceRequest(None, "The link's place could not be read, so the full map is shown.")
    slugs = {p.slug for p in places}
    candidate = value.strip().lower()
    if candidate in slugs:
        return PlaceRequest(candidate)
    suggestions = closest_places(places, value[:MAX_PARAM_LENGTH])
    if len(value) > MAX_PARAM_LENGTH or not SLUG_RE.match(candidate):
        notice = "The link asks for a place in a form this atlas does not use, so the full map is shown."
    else:
        notice = f"This atlas has no place called “{safe_echo(value)}”, so the full map is shown."
    return PlaceRequest(None, notice, suggestions)


def page_link(base_url: str, params: dict[str, str]) -> str:
    """The base URL with exactly these query parameters, dropping any query or fragment it had."""
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(params), ""))


def place_link(base_url: str, slug: str | None, extra: dict[str, str] | None = None) -> str:
    """The base URL with `?place=<slug>` (and any extra parameters)."""
    return page_link(base_url, {**({"place": slug} if slug else {}), **(extra or {})})
