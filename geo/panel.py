"""HTML fragments for a place: passages with the mention marked, names, figures, credits.

Every value is escaped here, once, so pages can pass the result to
`unsafe_allow_html` (or write it into a static page) without further care.
"""

from __future__ import annotations

from html import escape

from geo.article import Passage
from geo.article_meta import ArticleMeta
from geo.atlas import Atlas, Figure
from geo.gazetteer import Place


def marked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """Escape text and wrap each (start, end) span in <mark>."""
    out, pos = [], 0
    for start, end in sorted(spans):
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def passage_sentence_html(passage: Passage) -> str:
    return marked(passage.sentence, passage.sentence_spans)


def passage_paragraph_html(passage: Passage) -> str:
    return marked(passage.paragraph, passage.spans)


def passages_html(passages: list[Passage]) -> str:
    """Every passage as a quoted sentence, each with its whole paragraph one click away.

    Native <details> elements keep this one block of HTML however many passages a
    place has, which a page draws far faster than one widget per paragraph.
    """
    parts = []
    for i, passage in enumerate(passages, 1):
        parts.append(f'<blockquote class="atlas-passage">{passage_sentence_html(passage)}</blockquote>')
        parts.append(
            f'<details class="paragraph"><summary>Read the whole paragraph ({i})</summary>'
            f"<p>{passage_paragraph_html(passage)}</p></details>"
        )
    return "\n".join(parts)


def other_names_html(place: Place) -> str:
    if not place.other_names:
        return ""
    items = "".join(f"<li><b>{escape(o.name)}</b> <span>({escape(o.usage)})</span></li>" for o in place.other_names)
    return f'<ul class="atlas-names">{items}</ul>'


def figure_sentence(figure: Figure) -> str:
    """A figure in words, with its published value and the difference when there is one."""
    text = figure.text()
    if figure.published is not None and figure.deviation is not None:
        text += (
            f" (published: {figure.published.value:,.0f} {figure.unit}, {figure.published.source};"
            f" difference {figure.deviation:+.1%})"
        )
    return text


def place_figures(atlas: Atlas, place: Place) -> list[str]:
    """Plain-text figures for a place: its own area or length, and the distances that involve it."""
    lines = []
    figure = atlas.figure(place)
    if figure is not None:
        lines.append(figure_sentence(figure))
    lines.extend(figure_sentence(d) for d in atlas.distances_for(place))
    return lines


def credits_html(meta: ArticleMeta, osm: bool = True) -> str:
    """The attribution every view must carry (article, GeoNames, Natural Earth, OSM tiles)."""
    parts = [
        f"Article: “{escape(meta.title)}” by {escape(meta.author)}, first published by "
        f"{escape(meta.publisher)} on {escape(meta.first_published_text)} "
        f'(<a href="{escape(meta.url, quote=True)}">original</a>). {escape(meta.licence)}',
        'Places and alternative names: <a href="https://www.geonames.org/">GeoNames</a>, CC BY 4.0.',
        'Boundaries: <a href="https://www.naturalearthdata.com/">Natural Earth</a> 1:10m, public domain.',
    ]
    if osm:
        parts.append("Street tiles, when switched on: © OpenStreetMap contributors (ODbL).")
    return '<div class="atlas-credits">' + "<br>".join(parts) + "</div>"
