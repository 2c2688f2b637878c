"""Read an article file (.txt, .md, .html) into the plain text the geoparser searches.

Offsets the geoparser reports are into this text: for .txt and .md it is the file as
read (UTF-8, line endings normalised to "\\n"); for .html it is the visible text, with
scripts, styles and the head left out and each block (paragraph, heading, list item,
table cell) separated by a blank line. Anything that is not a readable English text in
one of these forms is refused with an InputError whose message is one line.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from geo.errors import InputError

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_BYTES = 1_000_000  # about 150,000 words: far more than any article
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


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML page, one block per paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skipping = 0

    def _end_block(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag in BLOCK_TAGS:
            self._end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCK_TAGS:
            self._end_block()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)


def html_text(markup: str) -> str:
    """The visible text of an HTML page, blocks separated by blank lines (scripts never included)."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    parser._end_block()
    return "\n\n".join(parser.blocks)


def check_language(text: str, name: str) -> None:
    """Refuse a text the geoparser cannot read: too short, another script, or not English."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < MIN_LETTERS:
        raise InputError(f"{name}: no text to read (fewer than {MIN_LETTERS} letters)")
    latin = sum(1 for ch in letters if ch < "\u0250")
    if latin / len(letters) < MIN_LATIN_SHARE:
        raise InputError(f"{name}: the text is not in the Latin alphabet; the geoparser reads English texts only")
    words = re.findall(r"[a-z]+", text.lower())
    if sum(1 for w in words if w in ENGLISH_WORDS) / max(1, len(words)) < MIN_ENGLISH_SHARE:
        raise InputError(f"{name}: the text does not look like English; the geoparser reads English texts only")


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text from bytes, refusing binary files, over-long files and empty ones."""
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: too large ({len(data) / 1e6:.1f} MB); the limit is {MAX_BYTES / 1e6:.0f} MB")
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: not a text file (it holds binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not a UTF-8 text file (byte {exc.start} cannot be read)") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_file(path: Path) -> str:
    """The plain text of an article file, checked; raise InputError (one line) on bad input."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{name}: unsupported file type {suffix or '(none)'}; use .txt, .md or .html")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror or exc})") from exc
    text = decode_text(data, name)
    if suffix in (".html", ".htm"):
        text = html_text(text)
        if not text.strip():
            raise InputError(f"{name}: the page has no visible text")
    check_language(text, name)
    return text
