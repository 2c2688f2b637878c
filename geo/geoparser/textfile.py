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
from html.parser import HTMLParser

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
