"""Plain text out of bytes and HTML, and the check that it is an English text the geoparser reads.

Offsets the geoparser reports are into this text: for .txt and .md it is the file as
read (UTF-8, line endings normalised to "\\n"); for .html it is the visible text, with
scripts, styles and the head left out and each block (paragraph, heading, list item,
table cell) separated by a blank line. Every refusal is an InputError whose message is
one line. geo/geoparser/ingest.py decides which of these a file or a paste goes through.
"""

from __future__ import annotations

import re
import unicodedata

import lxml.html
from lxml import etree

from geo.errors import InputError

MIN_LETTERS = 20
MIN_LATIN_SHARE = 0.6
MIN_ENGLISH_SHARE = 0.03
ENGLISH_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "on",
        "was",
        "with",
        "as",
        "by",
        "at",
        "from",
        "it",
        "has",
        "have",
        "be",
        "are",
        "were",
        "said",
        "its",
        "which",
    ]
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Frequent words of other languages written in the Latin alphabet, none of them an English word:
# a text with more of one of these sets than of English words is in that language.
OTHER_LANGUAGES = {
    "French": _words("le la les des est une dans pour pas qui sur avec sont mais aux ces leur nous ont été"),
    "German": _words("der die das und ist nicht ein eine mit den dem sich auf auch wird sind zu von des haben"),
    "Spanish": _words("el los las del que es por una con para como pero más sus fue han entre sobre"),
    "Italian": _words("il di che è una sono con del della gli alla nel anche più sulla hanno"),
    "Portuguese": _words("os da que em um uma para com não mais por dos das foi são pelo também"),
    "Dutch": _words("de het een en dat te niet met zijn voor ook aan bij werd wordt"),
    "Azerbaijani or Turkish": _words("və bu bir ilə üçün da də ki olan olaraq daha çox ve ile için olarak"),
}
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe", "object"})
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "td",
        "th",
        "tr",
        "br",
        "pre",
        "figcaption",
        "title",
    ]
)


# libxml2's HTML parser (lxml) reads in linear time, never goes to the network, keeps
# libxml2's limits on depth and text size (huge_tree=False), and leaves comments and
# processing instructions out of the tree. An HTML parser expands only HTML's own
# character references (&amp;), never entities a document declares. Python's html.parser
# is quadratic on some markup ("<a " repeated: minutes for the 2 MB an upload may hold,
# CVE-2025-6069), and it ran in the server's own process.
HTML_DEPTH = 256  # libxml2's limit on nesting without huge_tree: a deeper page is refused, not cut short


def check_memory(errors: etree._ListErrorLog) -> None:
    """Raise MemoryError where libxml2 ran out of memory: it says so in its error log, not as an exception.

    In a worker process with a memory limit (geo/geoparser/sandbox.py) that is how an input
    too large to parse shows; the worker turns it into a message.
    """
    if any(error.type_name == "ERR_NO_MEMORY" for error in errors):
        raise MemoryError("libxml2 ran out of memory")


def _html_parser() -> etree.HTMLParser:
    """A new parser for each page: a parser's error log is its own, and it is not shared between threads."""
    return etree.HTMLParser(
        encoding="utf-8",
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
        default_doctype=False,
    )


def html_text(markup: str, name: str = "the page") -> str:
    """The visible text of an HTML page, blocks separated by blank lines (scripts never included)."""
    parser = _html_parser()
    try:
        root = lxml.html.document_fromstring(markup.encode("utf-8"), parser=parser)
    except etree.ParserError:  # nothing but comments, a doctype or stray markup
        check_memory(parser.error_log)
        return ""
    except etree.XMLSyntaxError as exc:
        check_memory(parser.error_log)
        raise InputError(f"{name}: cannot be read as HTML ({exc.msg})") from exc
    check_memory(parser.error_log)
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise InputError(
            f"{name}: its markup nests more than {HTML_DEPTH} levels deep or holds a text too long "
            "for an article page; refused"
        )
    blocks: list[str] = []
    current: list[str] = []

    def end_block() -> None:
        text = " ".join("".join(current).split())
        if text:
            blocks.append(text)
        current.clear()

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in SKIPPED_TAGS:
                walker.skip_subtree()  # its text and children are never read; its tail is
                continue
            if tag in BLOCK_TAGS:
                end_block()
            if element.text:
                current.append(element.text)
        else:
            if tag in BLOCK_TAGS:
                end_block()
            if element.tail:
                current.append(element.tail)
    end_block()
    return "\n\n".join(blocks)


def check_language(text: str, name: str) -> None:
    """Refuse a text the geoparser cannot read: too short, another script, or not English."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < MIN_LETTERS:
        raise InputError(f"{name}: no text to read (fewer than {MIN_LETTERS} letters)")
    latin = sum(1 for ch in letters if ch < "\u0250" or unicodedata.name(ch, "").startswith("LATIN"))
    if latin / len(letters) < MIN_LATIN_SHARE:
        raise InputError(f"{name}: the text is not in the Latin alphabet; the geoparser reads English texts only")
    words = re.findall(r"[^\W\d_]+", text.lower())
    english = sum(1 for w in words if w in ENGLISH_WORDS)
    counts = {language: sum(1 for w in words if w in frequent) for language, frequent in OTHER_LANGUAGES.items()}
    language = max(counts, key=counts.__getitem__)
    if counts[language] > english:
        raise InputError(f"{name}: the text looks like {language}, not English; the geoparser reads English texts only")
    if english / max(1, len(words)) < MIN_ENGLISH_SHARE:
        raise InputError(f"{name}: the text does not look like English; the geoparser reads English texts only")


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text from bytes, refusing binary files and empty ones (geo/geoparser/ingest.py caps the size first)."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: not a text file (it holds binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not a UTF-8 text file (byte {exc.start} cannot be read)") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")
