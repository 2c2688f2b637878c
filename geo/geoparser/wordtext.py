"""The text of a Word document, read from its XML parts in one pass (geo/geoparser/ingest.py checks the package first).

python-docx looked each paragraph's style up by searching every style of the document
(4,000 paragraphs and 4,000 styles took 8 s; the caps allow 100,000 of each), and walked
up a table from each vertically merged cell. Here the styles part is read once into a
dict from style id to name, and every paragraph, table and cell is visited once. The
text is what python-docx gave: a paragraph's runs and hyperlinks (`w:t`, tabs, line
breaks, non-breaking hyphens), each table cell's paragraphs once, and a paragraph's style
by its `w:pStyle` id (an unknown id, or none, is the document's default paragraph style).

Parts are parsed by lxml with entities left unexpanded, no network and libxml2's limits on
depth and text size; a part that declares a DTD (no Word document does) is refused.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from lxml import etree

from geo.errors import InputError
from geo.geoparser.textfile import check_memory

NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
W = "{" + NS["w"] + "}"
# The body's paragraphs and those of its tables' cells (nested tables too), in reading order, each
# cell once whether merged or not: only those with a letter of text, picked by libxml2 so that
# empty paragraphs cost no Python.
PARAGRAPHS_WITH_TEXT = (
    "(w:p | w:tbl//w:tc/w:p)[w:r/w:t[normalize-space()] or w:hyperlink/w:r/w:t[normalize-space()]"
    " or w:r/w:noBreakHyphen or w:hyperlink/w:r/w:noBreakHyphen]"
)
DEFAULT_STYLE = "w:style[@w:type='paragraph'][@w:default='1' or @w:default='true' or @w:default='on']"
RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
MAIN_RELATIONSHIP = "/officeDocument"  # the end of the package relationship type naming the main part
STYLES_RELATIONSHIP = "/styles"
PACKAGE_RELS = "_rels/.rels"
# Word's own names of built-in styles, as the user sees them (python-docx's BabelFish).
UI_STYLE_NAMES = {"caption": "Caption", "footer": "Footer", "header": "Header"} | {
    f"heading {n}": f"Heading {n}" for n in range(1, 10)
}
ON = ("1", "true", "on")
RUN_TEXT = {f"{W}tab": "\t", f"{W}ptab": "\t", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}


def _parse(data: bytes, name: str, part: str) -> etree._Element:
    """One XML part as a tree: no entity expansion, no network, libxml2's size limits kept."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        check_memory(parser.error_log)
        raise InputError(f"{name}: cannot be read as a Word document (XMLSyntaxError in {part})") from exc
    if root.getroottree().docinfo.internalDTD is not None:
        raise InputError(f"{name}: cannot be read as a Word document ({part} declares a DTD, as no Word document does)")
    return root


def _target(parts: dict[str, bytes], source: str, relationship: str, name: str) -> str | None:
    """The part a relationship of `source` points to (by the end of its type), if the package holds it."""
    folder, base = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", base + ".rels") if source else PACKAGE_RELS
    if rels not in parts:
        return None
    for rel in _parse(parts[rels], name, rels).iter(RELATIONSHIP):
        if rel.get("Type", "").endswith(relationship) and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            path = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))
            return path if path in parts else None
    return None


def style_names(styles: etree._Element | None, wanted: set[str]) -> tuple[dict[str, str], str]:
    """The names of the paragraph styles `wanted` by id, and the default paragraph style's name, from styles.xml.

    As python-docx: the first style with an id decides (a character style with the id of a
    paragraph style hides it), and the last paragraph style marked default is the default.
    The ids come out of libxml2 in one list; only the styles the paragraphs use are read.
    """
    if styles is None:
        return {}, ""
    seen: set[str] = set()
    names: dict[str, str] = {}
    for style_id in styles.xpath("w:style/@w:styleId", namespaces=NS):
        if style_id in seen:
            continue
        seen.add(style_id)
        if style_id in wanted:
            style = style_id.getparent()
            if style.get(f"{W}type") == "paragraph":
                names[str(style_id)] = _style_name(style)
    defaults = styles.xpath(DEFAULT_STYLE, namespaces=NS)
    return names, _style_name(defaults[-1]) if defaults else ""


def _style_name(style: etree._Element) -> str:
    label = style.find(f"{W}name")
    name = label.get(f"{W}val", "") if label is not None else ""
    return UI_STYLE_NAMES.get(name, name)


def _run_text(run: etree._Element) -> Iterator[str]:
    for item in run:
        if item.tag == f"{W}t":
            yield item.text or ""
        elif item.tag == f"{W}br":
            yield "\n" if item.get(f"{W}type", "textWrapping") == "textWrapping" else ""
        else:
            yield RUN_TEXT.get(item.tag, "")


def paragraph_text(paragraph: etree._Element) -> tuple[str, str | None]:
    """A paragraph's text (its runs and its hyperlinks' runs, in order) and its style id, in one pass."""
    out: list[str] = []
    style_id = None
    found_properties = False
    for child in paragraph:
        tag = child.tag
        if tag == f"{W}r":
            out.extend(_run_text(child))
        elif tag == f"{W}hyperlink":
            for run in child.iterchildren(f"{W}r"):
                out.extend(_run_text(run))
        elif tag == f"{W}pPr" and not found_properties:  # the first w:pPr holds the style, as python-docx reads it
            found_properties = True
            style = child.find(f"{W}pStyle")
            style_id = style.get(f"{W}val") if style is not None else None
    return "".join(out), style_id


def document_blocks(parts: dict[str, bytes], name: str, max_chars: int) -> list[str]:
    """Each paragraph and table cell as one block; the title and headings marked the way article.md marks them.

    A text longer than max_chars is refused as soon as it is, not read to its end.
    """
    main = _target(parts, "", MAIN_RELATIONSHIP, name) or "word/document.xml"
    if main not in parts:
        raise InputError(f"{name}: not a Word document (.docx): its package has no document part")
    body = _parse(parts[main], name, posixpath.basename(main)).find(f"{W}body")
    if body is None:
        raise InputError(f"{name}: cannot be read as a Word document (its document part has no body)")
    read: list[tuple[str, str | None]] = []
    length = 0
    for paragraph in body.xpath(PARAGRAPHS_WITH_TEXT, namespaces=NS):
        text, style_id = paragraph_text(paragraph)
        text = " ".join(text.split())
        if text:
            read.append((text, style_id))
            length += len(text) + 2
            if length > max_chars + 2:
                raise InputError(
                    f"{name}: the text is too long (over {max_chars:,} characters); the limit is {max_chars:,}"
                )
    styles_part = _target(parts, main, STYLES_RELATIONSHIP, name)
    styles = _parse(parts[styles_part], name, posixpath.basename(styles_part)) if styles_part else None
    names, default = style_names(styles, {style_id for _, style_id in read if style_id is not None})
    blocks: list[str] = []
    for text, style_id in read:
        style = names.get(style_id, default) if style_id is not None else default
        if style == "Title" or style.startswith("Heading"):
            blocks.append(f"{'##' if blocks else '#'} {text}")  # the first is the article's title
        else:
            blocks.append(text)
    return blocks
