"""Share without a server: a static site, a single-file map, and the data as GeoJSON and CSV.

- `export_site(atlas, out_dir)` writes a folder that works opened straight from disk
  (`file://`) or from any static host: `index.html` (the full map, the place list and
  every place's passages), `place/<slug>.html` (one page per place, opening on it),
  `assets/leaflet/` and `data/places.geojson`, `data/places.csv`.
- `single_map_html(atlas, slug)` is one self-contained HTML file (Leaflet inlined) of the
  map and the selected place's panel: the "Download this map" button of the app.
- The data files come from `geo.serialize`, the one schema of the places.

Pages reuse the app's map (`geo.maps.build_map`) and panel fragments (`geo.panel`).
The site references one copy of Leaflet by relative path (`assets/leaflet/`) rather
than inlining it into every page: a browser then fetches its 160 kB once for the whole
site, and every page stays a readable HTML file. Only the single-file map inlines it.

Output is deterministic, so an export can be committed and diffed: folium's random
element ids are renumbered in order of first appearance, and nothing depends on time.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from geo.assets import LEAFLET_FILES, leaflet_source_dir
from geo.atlas import Atlas
from geo.gazetteer import Place
from geo.maps import GROUP_ORDER, GROUPS, build_map
from geo.panel import (
    credits_html,
    other_names_html,
    passages_html,
    place_figures,
)
from geo.serialize import json_for_html, places_csv_text, places_geojson_text

SITE_NAME = "Karabakh Atlas"
DESCRIPTION_CHARS = 300
# folium names every element `<kind>_<uuid4 hex>`; these are renumbered for stable output.
_FOLIUM_ID = re.compile(r"\b([a-z][a-z0-9_]*?)_([0-9a-f]{32})(?![0-9a-f])")
_ASSET_PLACEHOLDER = "__ATLAS_LEAFLET__"


# ---------------------------------------------------------------- the map


def stable_ids(text: str) -> str:
    """Replace folium's random `<kind>_<hex>` ids with `<kind>_<n>`, numbered by first appearance."""
    numbers: dict[str, int] = {}

    def sub(match: re.Match) -> str:
        n = numbers.setdefault(match.group(2), len(numbers) + 1)
        return f"{match.group(1)}_{n}"

    return _FOLIUM_ID.sub(sub, text)


@dataclass(frozen=True)
class MapParts:
    head: str  # styles the map needs (not Leaflet itself)
    body: str  # the map's <div>
    script: str  # the JavaScript that draws it


_VIEWPORT = re.compile(r"<meta name=\"viewport\".*?/>", re.S)
_HTML_BODY_STYLE = re.compile(r"<style>\s*html, body \{.*?</style>", re.S)


def _click_script(map_name: str, links: dict[str, str]) -> str:
    """Make places clickable (go to their page) and record how many places were drawn.

    `data-places-drawn` on the map's container lets tests and benchmarks wait for the
    map to be complete.
    """
    return (
        "(function () {\n"
        f"  var map = {map_name};\n"
        f"  var links = {json_for_html(json.dumps(links, sort_keys=True))};\n"
        "  var drawn = {};\n"
        "  map.eachLayer(function (layer) {\n"
        "    var p = layer.feature && layer.feature.properties;\n"
        "    if (!p || !p.slug) { return; }\n"
        "    drawn[p.slug] = true;\n"
        "    if (links[p.slug]) {\n"
        "      layer.on('click', function () { window.location.href = links[p.slug]; });\n"
        "    }\n"
        "  });\n"
        "  map.getContainer().setAttribute('data-places-drawn', String(Object.keys(drawn).length));\n"
        "})();\n"
    )


def map_parts(atlas: Atlas, slug: str | None, links: dict[str, str]) -> MapParts:
    """The app's map for this selection, cut into the pieces a page template places."""
    m = build_map(atlas, selected=slug, asset_base=_ASSET_PLACEHOLDER)
    root = m.get_root()
    root.render()
    head = "".join(
        child.render()
        for name, child in root.header._children.items()
        if name not in ("meta_http", "leaflet", "leaflet_css")
    )
    head = _HTML_BODY_STYLE.sub("", _VIEWPORT.sub("", head))
    body = root.html.render()
    script = root.script.render() + "\n" + _click_script(m.get_name(), links)
    return MapParts(head=head, body=body, script=script)


# ---------------------------------------------------------------- pages

PAGE_CSS = """
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: #1f2328; background: #fbfaf7;
  font: 17px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: #1d5f8a; }
a:hover { color: #b5452b; }
mark { background: #ffd166; padding: 0 2px; border-radius: 2px; color: inherit; }
.site-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 18px; padding: 12px 24px;
  background: #22303c; color: #f4f1ea; }
.site-head .brand { color: #fff; font-weight: 700; font-size: 1.25rem; text-decoration: none; letter-spacing: .01em; }
.site-head .source { margin: 0; font-size: .9rem; color: #cfd6dc; }
.site-head .source a { color: #e9d8a6; }
.layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(340px, 2fr); align-items: start; }
.map-pane { position: sticky; top: 0; height: 100vh; border-right: 1px solid #ddd8cc; }
.map-pane .folium-map { height: 100%; }
.panel { padding: 20px 28px 40px; max-width: 44rem; }
.panel h1 { font-size: 1.9rem; line-height: 1.2; margin: .2em 0 .1em; }
.panel h2 { font-size: 1.2rem; margin: 1.6em 0 .4em; padding-bottom: 4px; border-bottom: 1px solid #ddd8cc; }
.panel h3 { font-size: 1.05rem; margin: 1.3em 0 .3em; }
.kind { color: #5b6169; font-size: .95rem; margin: 0 0 .6em; }
.back { display: inline-block; margin-bottom: 6px; font-size: .95rem; }
.atlas-names { margin: 0 0 10px; padding-left: 20px; }
.atlas-names span { color: #5b6169; }
.figures { padding-left: 20px; color: #333; }
.note { background: #eef3f6; border-left: 4px solid #1d6fa5; padding: 8px 12px; border-radius: 3px; }
.atlas-passage { margin: 10px 0 4px; padding: 2px 0 2px 14px; border-left: 4px solid #b5452b;
  font-family: Georgia, "Times New Roman", serif; font-size: 1.06rem; line-height: 1.6; }
details.paragraph { margin: 0 0 12px 18px; font-size: .95rem; color: #3b4047; }
details.paragraph summary { cursor: pointer; color: #1d5f8a; }
details.paragraph p { margin: .4em 0; }
.place-list { list-style: none; padding: 0; margin: 0; columns: 2 14rem; column-gap: 18px; }
.place-list li { break-inside: avoid; padding: 3px 0; }
.place-list .count { color: #5b6169; font-size: .88rem; white-space: nowrap; }
.place-nav { display: flex; justify-content: space-between; gap: 12px; margin-top: 28px; font-size: .95rem; }
.downloads { font-size: .95rem; }
.site-foot { padding: 18px 24px 28px; border-top: 1px solid #ddd8cc; background: #f3f0e8; }
.atlas-credits { font-size: .85rem; color: #4b5057; line-height: 1.6; max-width: 70rem; }
@media (max-width: 820px) {
  body { font-size: 16px; }
  .site-head { padding: 10px 16px; }
  .layout { grid-template-columns: 1fr; }
  .map-pane { position: relative; height: 58vh; border-right: 0; border-bottom: 1px solid #ddd8cc; }
  .panel { padding: 14px 16px 32px; }
  .panel h1 { font-size: 1.55rem; }
  .place-list { columns: 1; }
  .site-head .source { font-size: .8rem; line-height: 1.4; }
  .atlas-legend { font-size: 10px; line-height: 1.3; padding: 4px 7px; }
  .atlas-legend-row { gap: 5px; }
}
"""


@dataclass(frozen=True)
class _Target:
    """How a page links to assets and to other pages."""

    place_href: Callable[[str], str | None]
    index_href: str | None
    data_href: str | None
    leaflet: str  # "<script>/<link>" tags or inlined copies


def _leaflet_links(base: str) -> str:
    return f'<link rel="stylesheet" href="{base}/leaflet.css">\n<script src="{base}/leaflet.js"></script>\n'


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def leaflet_inline() -> str:
    """Leaflet's CSS (with its images as data: URIs) and JS, inlined into <style>/<script>."""
    src = leaflet_source_dir()
    css = (src / "leaflet.css").read_text(encoding="utf-8")
    for name in LEAFLET_FILES:
        if name.startswith("images/"):
            css = css.replace(f"url({name})", f"url({_data_uri(src / name)})")
    js = (src / "leaflet.js").read_text(encoding="utf-8")
    # Neither file contains "</": guard anyway so they cannot end their element early.
    css, js = css.replace("</", "<\\/"), js.replace("</script", "<\\/script")
    return f"<style>\n{css}\n</style>\n<script>\n{js}\n</script>\n"


def _attr(text: str) -> str:
    return escape(text, quote=True)


def _shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def place_summary(atlas: Atlas, place: Place) -> str:
    """Plain text for a link preview: the first passage that mentions it, or its description."""
    first = atlas.first_passage(place)
    return _shorten(place.description if first is None else first.sentence)


def _kind_line(place: Place) -> str:
    return escape(place.kind.capitalize() + (" · indicative route" if place.indicative else ""))


def _count(n: int) -> str:
    return f"{n} passage{'s' if n != 1 else ''}"


def _place_panel(atlas: Atlas, place: Place, target: _Target) -> str:
    out = []
    if target.index_href:
        out.append(f'<a class="back" href="{_attr(target.index_href)}">← Full map of every place</a>')
    out.append(f"<h1>{escape(place.name)}</h1>")
    out.append(f'<p class="kind">{_kind_line(place)}</p>')
    out.append(other_names_html(place))
    out.append(f"<p>{escape(place.description)}</p>")
    figures = place_figures(atlas, place)
    if figures:
        out.append('<ul class="figures">' + "".join(f"<li>{escape(f)}</li>" for f in figures) + "</ul>")
    if place.geometry_note:
        out.append(f'<p class="note">{escape(place.geometry_note)}</p>')
    passages = atlas.passages[place.slug]
    if passages:
        out.append(f"<h2>{_count(len(passages))} in the article</h2>")
        out.append(passages_html(atlas.passages[place.slug]))
    else:
        out.append("<h2>Not named in the article</h2>")
        out.append(f"<p>{escape(place.no_passage or '')}</p>")
    i = atlas.places.index(place)
    before = atlas.places[i - 1] if i > 0 else None
    after = atlas.places[i + 1] if i + 1 < len(atlas.places) else None
    before_href = target.place_href(before.slug) if before else None
    after_href = target.place_href(after.slug) if after else None
    if before_href or after_href:
        prev_link = f'<a href="{_attr(before_href)}">← {escape(before.name)}</a>' if before_href else "<span></span>"
        next_link = f'<a href="{_attr(after_href)}">{escape(after.name)} →</a>' if after_href else "<span></span>"
        out.append(f'<nav class="place-nav" aria-label="Places in article order">{prev_link}{next_link}</nav>')
    return "\n".join(p for p in out if p)


def _index_panel(atlas: Atlas, target: _Target) -> str:
    meta = atlas.meta
    named = sum(1 for p in atlas.places if atlas.passages[p.slug])
    out = [
        "<h1>Every place in the article</h1>",
        f"<p>“{escape(meta.title)}” by {escape(meta.author)} names <b>{named} places</b>. "
        "Pick one on the map or in the list to read each passage that mentions it; the map also shows "
        "a few places the article refers to without naming them.</p>",
    ]
    if atlas.distances:
        out.append(
            '<ul class="figures">'
            + "".join(f"<li>{escape(d.label)}: <b>{escape(d.amount)}</b></li>" for d in atlas.distances)
            + "</ul>"
        )
    out.append("<h2>Places</h2>")
    for group in GROUP_ORDER:
        places = [p for p in atlas.places if GROUPS[p.kind] == group]
        if not places:
            continue
        out.append(f"<h3>{escape(group)}</h3>")
        items = []
        for place in places:
            href = target.place_href(place.slug) or f"#place-{place.slug}"
            n = len(atlas.passages[place.slug])
            items.append(
                f'<li><a href="{_attr(href)}">{escape(place.name)}</a> '
                f'<span class="count">· {_count(n) if n else "not named"}</span></li>'
            )
        out.append('<ul class="place-list">' + "".join(items) + "</ul>")
    if target.data_href:
        out.append(
            '<p class="downloads">The data: '
            f'<a href="{_attr(target.data_href)}/places.geojson" download>places.geojson</a> · '
            f'<a href="{_attr(target.data_href)}/places.csv" download>places.csv</a></p>'
        )
    out.append("<h2>Passages, place by place</h2>")
    for place in atlas.places:
        href = target.place_href(place.slug)
        name = f'<a href="{_attr(href)}">{escape(place.name)}</a>' if href else escape(place.name)
        out.append(f'<h3 id="place-{_attr(place.slug)}">{name}</h3>')
        if atlas.passages[place.slug]:
            out.append(passages_html(atlas.passages[place.slug]))
        else:
            out.append(f"<p>Not named in the article. {escape(place.no_passage or '')}</p>")
    return "\n".join(out)


def _page(
    atlas: Atlas,
    *,
    title: str,
    description: str,
    panel: str,
    parts: MapParts,
    target: _Target,
) -> str:
    meta = atlas.meta
    home = target.index_href or "#"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<meta name="description" content="{_attr(description)}">\n'
        '<meta property="og:type" content="website">\n'
        f'<meta property="og:site_name" content="{SITE_NAME}">\n'
        f'<meta property="og:title" content="{_attr(title)}">\n'
        f'<meta property="og:description" content="{_attr(description)}">\n'
        f'<meta name="twitter:card" content="summary">\n'
        + target.leaflet
        + parts.head
        + f"\n<style>{PAGE_CSS}</style>\n</head>\n<body>\n"
        '<header class="site-head">'
        f'<a class="brand" href="{_attr(home)}">{SITE_NAME}</a>'
        f'<p class="source">Every place in “<a href="{_attr(meta.url)}">{escape(meta.title)}</a>” '
        f"by {escape(meta.author)} ({escape(meta.publisher)}, "
        f"{escape(meta.first_published_text)})</p>"
        "</header>\n"
        '<main class="layout">\n'
        f'<section class="map-pane" aria-label="Map">{parts.body}</section>\n'
        f'<section class="panel">\n{panel}\n</section>\n'
        "</main>\n"
        f'<footer class="site-foot">{credits_html(meta)}</footer>\n'
        f"<script>\n{parts.script}\n</script>\n"
        "</body>\n</html>\n"
    )


def render_page(atlas: Atlas, slug: str | None, target: _Target, map_links: dict[str, str]) -> str:
    """One page: the index (slug None) or a place's page, as deterministic HTML."""
    parts = map_parts(atlas, slug, map_links)
    if slug is None:
        title = f"{SITE_NAME}: the places in “{atlas.meta.title}”"
        description = _shorten(
            f"A map of every place named in “{atlas.meta.title}” by {atlas.meta.author} "
            f"({atlas.meta.publisher}), with the passages that mention each."
        )
        panel = _index_panel(atlas, target)
    else:
        place = atlas.by_slug[slug]
        title = f"{place.name} — {SITE_NAME}"
        description = place_summary(atlas, place)
        panel = _place_panel(atlas, place, target)
    page = _page(atlas, title=title, description=description, panel=panel, parts=parts, target=target)
    return stable_ids(page)


def single_map_html(atlas: Atlas, slug: str | None) -> str:
    """One self-contained HTML file of the map and the selection's panel, for download.

    Leaflet is inlined and nothing is fetched, so it opens from disk with no network.
    An unknown slug gives the full map.
    """
    slug = slug if slug in atlas.by_slug else None
    anchors = {p.slug: f"#place-{p.slug}" for p in atlas.places} if slug is None else {}
    target = _Target(place_href=lambda _s: None, index_href=None, data_href=None, leaflet=leaflet_inline())
    return render_page(atlas, slug, target, anchors)


def _site_target(depth: int) -> _Target:
    up = "../" * depth
    return _Target(
        place_href=lambda s: f"{up}place/{s}.html",
        index_href=f"{up}index.html",
        data_href=f"{up}data",
        leaflet=_leaflet_links(f"{up}assets/leaflet"),
    )


def export_site(atlas: Atlas, out_dir: Path) -> list[Path]:
    """Write the static site into out_dir; return every file written, in sorted order.

    Place pages of slugs no longer in the atlas are removed, so an export committed to
    a repository mirrors the data exactly.
    """
    out_dir = Path(out_dir)
    files: dict[Path, bytes] = {}
    top, nested = _site_target(0), _site_target(1)
    files[out_dir / "index.html"] = render_page(
        atlas, None, top, {p.slug: f"place/{p.slug}.html" for p in atlas.places}
    ).encode("utf-8")
    for place in atlas.places:
        files[out_dir / "place" / f"{place.slug}.html"] = render_page(
            atlas, place.slug, nested, {p.slug: f"{p.slug}.html" for p in atlas.places}
        ).encode("utf-8")
    files[out_dir / "data" / "places.geojson"] = places_geojson_text(atlas).encode("utf-8")
    files[out_dir / "data" / "places.csv"] = places_csv_text(atlas).encode("utf-8")
    src = leaflet_source_dir()
    for name in LEAFLET_FILES:
        files[out_dir / "assets" / "leaflet" / name] = (src / name).read_bytes()

    place_dir = out_dir / "place"
    if place_dir.is_dir():
        for stale in place_dir.glob("*.html"):
            if stale not in files:
                stale.unlink()
    for path in sorted(files):
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != files[path]:
            path.write_bytes(files[path])
    return sorted(files)


def describe_export(paths: list[Path], out_dir: Path) -> str:
    """A listing of what was written: each file with its size, and the total."""
    out_dir = Path(out_dir)
    lines, total = [], 0
    for path in paths:
        size = path.stat().st_size
        total += size
        lines.append(f"{_size(size):>9}  {path.relative_to(out_dir).as_posix()}")
    lines.append(f"{_size(total):>9}  total, {len(paths)} files in {out_dir}")
    return "\n".join(lines)


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} kB"
