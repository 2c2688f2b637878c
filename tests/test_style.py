"""Page styles and scripts (pages/style.py): what a page adds from static/atlas/."""

from __future__ import annotations

import re

from geo.templating import STATIC_DIR

# Streamlit's HTML sanitiser drops a whole script that holds anything shaped like a tag.
TAG_LIKE = re.compile(r"<[A-Za-z/!]")


def test_scripts_run_in_the_page_hold_nothing_shaped_like_a_tag():
    scripts = sorted((STATIC_DIR / "atlas").glob("*.js"))
    assert {p.name for p in scripts} >= {"mentions.js", "tour-keys.js"}
    for path in scripts:
        if path.name == "basemap.js":
            continue  # a data file, loaded with <script src>
        assert not TAG_LIKE.search(path.read_text(encoding="utf-8")), path.name


def test_every_style_sheet_uses_the_palette_names_it_defines():
    palette = (STATIC_DIR / "atlas" / "palette.css").read_text(encoding="utf-8")
    defined = set(re.findall(r"--([a-z][a-z0-9-]*)\s*:", palette))
    for path in (STATIC_DIR / "atlas").glob("*.css"):
        used = set(re.findall(r"var\(--([a-z][a-z0-9-]*)\)", path.read_text(encoding="utf-8")))
        assert used - defined <= {"mention-colour"}, path.name
