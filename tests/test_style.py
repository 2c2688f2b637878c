"""Page styles and scripts (geo/app/style.py): what a page adds from static/atlas/."""

from __future__ import annotations

import hashlib
import re

from geo.paths import STATIC_DIR
from geo.render.templating import TEMPLATE_DIR

# Streamlit's HTML sanitiser drops a whole script that holds anything shaped like a tag.
TAG_LIKE = re.compile(r"<[A-Za-z/!]")


def test_scripts_run_in_the_page_hold_nothing_shaped_like_a_tag():
    scripts = sorted((STATIC_DIR / "atlas").glob("*.js"))
    assert {p.name for p in scripts} >= {"mentions.js", "tour-keys.js"}
    for path in scripts:
        if path.name == "basemap.js":
            continue  # a data file, loaded with <script src>
        assert not TAG_LIKE.search(path.read_text(encoding="utf-8")), path.name


def test_every_colour_a_style_sheet_names_is_in_the_palette():
    palette = (STATIC_DIR / "atlas" / "palette.css").read_text(encoding="utf-8")
    colours = set(re.findall(r"--([a-z][a-z0-9-]*)\s*:\s*#", palette))
    templates = TEMPLATE_DIR
    # Other custom properties (a bead's position, a mention's colour) are set where they are used.
    local = set()
    for path in [*(STATIC_DIR / "atlas").glob("*.css"), *templates.rglob("*.html")]:
        local |= set(re.findall(r"--([a-z][a-z0-9-]*)\s*:", path.read_text(encoding="utf-8")))
    for path in (STATIC_DIR / "atlas").glob("*.css"):
        used = set(re.findall(r"var\(--([a-z][a-z0-9-]*)", path.read_text(encoding="utf-8")))
        assert used <= colours | (local - colours), path.name
        assert {name for name in used if "colour" in name or name in colours} <= colours | {"mention-colour"}


def test_a_page_script_is_linked_by_the_hash_of_its_content_not_sent_inline():
    from geo.app.style import _script
    from geo.render.assets import STREAMLIT_STATIC

    tag = _script("mentions.js")
    found = re.fullmatch(r'<script src="([^"?]+)\?v=([0-9a-f]{12})"></script>', tag)
    assert found, tag
    path = STATIC_DIR / found.group(1).removeprefix(f"{STREAMLIT_STATIC}/")
    assert path == STATIC_DIR / "atlas" / "mentions.js" and path.is_file()
    assert found.group(2) == hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def test_style_sheets_travel_without_comments_but_keep_every_rule():
    from geo.app.style import compact_css

    text = (STATIC_DIR / "atlas" / "html-blocks.css").read_text(encoding="utf-8")
    compact = compact_css(text)
    assert "/*" not in compact and "\n" not in compact and len(compact) < 0.8 * len(text)
    assert '[data-testid="stHtml"] :is(h2, h3) { letter-spacing: -0.005em; }' in compact  # the space before :is kept
    assert compact.count("{") == text.count("{")  # every rule (its comments hold no braces)
    assert compact_css("a  /* one */ b {\n  color: red; }\n/* two */") == "a b { color: red; }"
