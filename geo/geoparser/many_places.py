"""A text that names as many real places as asked: the worst a paste can do to a draft.

Each sentence names one place of the geoparser's own gazetteer (data/geoparse/), so every name
is found and resolved; places with an outline (countries, provinces) come first, as they weigh
most in every later step (the geometry file, the pages, the handout's maps), then the others by
population. The benchmark of the limits (bench/bench_limits.py) and the tests of them
(tests/test_hostile_limits.py, tests/test_draft.py) read the same text.
"""

from __future__ import annotations

from geo.geoparser.gazetteer import load_toponyms

SENTENCES_PER_PARAGRAPH = 8


def gazetteer_names(count: int) -> list[str]:
    """`count` distinct names of the gazetteer, outlined places first, then by population."""
    toponyms = load_toponyms()
    ordered = sorted(toponyms.by_ref.values(), key=lambda t: (t.ref not in toponyms.shapes, -t.population, t.ref))
    names: list[str] = []
    seen: set[str] = set()
    for toponym in ordered:
        if toponym.name not in seen and toponym.name not in toponyms.not_places:
            seen.add(toponym.name)
            names.append(toponym.name)
    if len(names) < count:
        raise ValueError(f"the gazetteer has only {len(names)} distinct names")
    return names[:count]


def article_naming(names: list[str], title: str = "Markets of the world") -> str:
    """A plain article, a title then paragraphs of ordinary sentences, naming each of `names` once in order."""
    sentences = [f"The market in {name} was quiet on that day." for name in names]
    paragraphs = [
        " ".join(sentences[i : i + SENTENCES_PER_PARAGRAPH]) for i in range(0, len(sentences), SENTENCES_PER_PARAGRAPH)
    ]
    return "\n\n".join([title, *paragraphs]) + "\n"
