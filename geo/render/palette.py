"""The atlas's colours, read from the one palette file the pages also link (static/atlas/palette.css).

Map styles are JavaScript objects and the handout's locators are drawn by matplotlib,
so neither can use CSS variables; both look the colours up here by the same names.
"""

from __future__ import annotations

import re
from functools import cache

from geo.paths import STATIC_DIR

PALETTE_FILE = STATIC_DIR / "atlas" / "palette.css"
_COLOUR = re.compile(r"--([a-z][a-z0-9-]*)\s*:\s*(#[0-9a-fA-F]{6})\s*;")


def parse_palette(css: str) -> dict[str, str]:
    """Custom properties with a #rrggbb value, by name without the leading dashes."""
    return {name: value.lower() for name, value in _COLOUR.findall(css)}


@cache
def palette() -> dict[str, str]:
    return parse_palette(PALETTE_FILE.read_text(encoding="utf-8"))


def colour(name: str) -> str:
    """One named colour; a KeyError names a colour the palette lacks."""
    return palette()[name]
