"""The article: its blocks of text, and the passages that mention each place.

Passages are cut from the text at load time, never copied into the data, so the
gazetteer and the article cannot drift apart.

Matching rules (see data/README.md):
- a place is mentioned by any of its `mentions` forms, case-sensitively, as whole words,
  with or without a possessive ("Azerbaijan's");
- demonyms and adjectives ("Armenians", "Azerbaijani") are not mentions of the country:
  they name people, governments or languages. A place may list `adjectives` where the
  article refers to it only that way and plainly means the place ("a Hungarian prison");
- where forms overlap, the longest wins: "southern Armenia" is the region, not Armenia;
- the pull quote repeats a sentence of the body, so it is not searched twice.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.atlas.places import Place
from geo.errors import DataError

SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"'“‘(]?[A-Z0-9])")
SEARCHED_KINDS = ("title", "standfirst", "heading", "paragraph")


@dataclass(frozen=True)
class Block:
    """One block of the article: its position, kind and plain text."""

    index: int
    kind: str  # title, standfirst, heading, pullquote, paragraph
    text: str


@dataclass(frozen=True)
class Passage:
    """One sentence that mentions a place, with offsets into its paragraph.

    `spans` are (start, end) offsets into `paragraph`; the sentence starts at
    `sentence_start`, so a span's offset into the sentence is start - sentence_start.
    """

    slug: str
    block: int
    paragraph: str
    sentence: str
    sentence_start: int
    spans: tuple[tuple[int, int], ...]

    @property
    def sentence_spans(self) -> tuple[tuple[int, int], ...]:
        return tuple((s - self.sentence_start, e - self.sentence_start) for s, e in self.spans)

    @property
    def mentions(self) -> tuple[str, ...]:
        return tuple(self.paragraph[s:e] for s, e in self.spans)


def parse_article(markdown: str, file: str = "article.md") -> list[Block]:
    """Split the article's Markdown into blocks of plain text."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", markdown.strip()):
        text = " ".join(chunk.split())
        if text.startswith("# "):
            kind, text = "title", text[2:]
        elif text.startswith("## "):
            kind, text = "heading", text[3:]
        elif text.startswith("> "):
            kind, text = "pullquote", text[2:]
        elif text.startswith("**") and text.endswith("**"):
            kind, text = "standfirst", text[2:-2]
        else:
            kind = "paragraph"
        blocks.append(Block(len(blocks), kind, text.strip()))
    if not any(b.kind == "paragraph" for b in blocks):
        raise DataError(file, "the article has no paragraphs")
    return blocks


def load_article(path: Path) -> list[Block]:
    try:
        return parse_article(path.read_text(encoding="utf-8"), path.name)
    except OSError as exc:
        raise DataError(path.name, f"cannot read file: {exc}") from exc


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in a paragraph."""
    bounds, start = [], 0
    for match in SENTENCE_END.finditer(text):
        bounds.append((start, match.start() + len(match.group(0).rstrip())))
        start = match.end()
    bounds.append((start, len(text)))
    return bounds


@dataclass(frozen=True)
class FormMatch:
    """One form found in a text: the form and its offsets (a possessive's "'s" after `end` is not part of it)."""

    form: str
    start: int
    end: int


_END = ""  # the key marking, in a FormFinder's trie, that a form ends at this node
_WORDISH = "-_"  # besides letters and digits, what a name may not touch


def _wordish(text: str, i: int) -> bool:
    """Whether position i holds a character that continues a word (the regex class [\\w-])."""
    return i < len(text) and (text[i].isalnum() or text[i] in _WORDISH)


class FormFinder:
    """The mention rules for a set of name forms: exact, whole words, possessives, the longest form first.

    What the regex `(?<![\\w-])(?P<form>longest|...|shortest)(?:['’]s)?(?![\\w-])` would find
    (tests/test_article.py checks it against that regex), but the forms are a trie walked
    from each word start: a text naming thousands of places costs no more per word than
    one naming ten, and nothing is compiled per text. Explore's passages, the article
    reader's links and the geoparser all find names with it, so all follow one set of rules.
    """

    def __init__(self, forms: Iterable[str]) -> None:
        self.root: dict[str, Any] = {}  # char -> node; _END -> the form ending there
        for form in set(forms):
            if not form:
                continue
            node = self.root
            for ch in form:
                node = node.setdefault(ch, {})
            node[_END] = form
        firsts = "".join(sorted(re.escape(ch) for ch in self.root if ch))
        self._starts = re.compile(rf"(?<![\w-])[{firsts}]") if firsts else None

    def finditer(self, text: str) -> Iterator[FormMatch]:
        """Every form in the text, left to right, never overlapping."""
        if self._starts is None:
            return
        pos = 0
        while start := self._starts.search(text, pos):
            begin = start.start()
            match, stop = self._longest(text, begin)
            if match is None:
                pos = begin + 1
                continue
            yield match
            pos = stop

    def _longest(self, text: str, begin: int) -> tuple[FormMatch | None, int]:
        """The longest form at begin that ends a word (with or without "'s"), and where the match stops."""
        ends: list[tuple[int, str]] = []
        node, i = self.root, begin
        while i < len(text) and (node := node.get(text[i])) is not None:
            i += 1
            if _END in node:
                ends.append((i, node[_END]))
        for end, form in reversed(ends):
            if text.startswith(("'s", "’s"), end) and not _wordish(text, end + 2):
                return FormMatch(form, begin, end), end + 2
            if not _wordish(text, end):
                return FormMatch(form, begin, end), end
        return None, begin


def mention_finder(places: list[Place]) -> tuple[FormFinder, dict[str, str]]:
    """The finder of every mention form, and a map from form to slug."""
    owner = {form: p.slug for p in places for form in (*p.mentions, *p.adjectives)}
    return FormFinder(owner), owner


@dataclass(frozen=True)
class Mention:
    """One mention of a place: the block it is in and its (start, end) offsets in that block's text."""

    slug: str
    block: int
    start: int
    end: int


def find_mentions(blocks: list[Block], places: list[Place]) -> list[Mention]:
    """Every mention of every place, in reading order: the one mention finder of the atlas.

    Passages, the article reader's links and the links inside passages all come from here.
    """
    finder, owner = mention_finder(places)
    return [
        Mention(owner[match.form], block.index, match.start, match.end)
        for block in blocks
        if block.kind in SEARCHED_KINDS
        for match in finder.finditer(block.text)
    ]


def find_passages(blocks: list[Block], places: list[Place]) -> dict[str, list[Passage]]:
    """Every sentence that mentions each place, in article order, keyed by slug."""
    found: dict[str, list[Passage]] = {p.slug: [] for p in places}
    by_block: dict[int, list[Mention]] = {}
    for mention in find_mentions(blocks, places):
        by_block.setdefault(mention.block, []).append(mention)
    for index, mentions in by_block.items():
        block = blocks[index]
        bounds = sentence_bounds(block.text)
        ends = [e for _, e in bounds]
        hits: dict[tuple[str, int], list[tuple[int, int]]] = {}
        for m in mentions:
            sentence = bisect_right(ends, m.start)  # the first sentence ending after the mention's start
            hits.setdefault((m.slug, sentence), []).append((m.start, m.end))
        for (slug, sentence), spans in sorted(hits.items(), key=lambda kv: (kv[0][1], kv[1][0])):
            s, e = bounds[sentence]
            found[slug].append(Passage(slug, block.index, block.text, block.text[s:e], s, tuple(spans)))
    return found


def first_mention_order(passages: dict[str, list[Passage]]) -> list[str]:
    """Slugs in the order the article introduces them; places it never names come last."""

    def key(slug: str) -> tuple[int, int]:
        ps = passages[slug]
        return (ps[0].block, ps[0].spans[0][0]) if ps else (10**9, 0)

    return sorted(passages, key=key)
