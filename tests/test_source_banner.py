"""The banner on every page of an atlas other than the Karabakh one (geo/app/banner.py)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from geo.render.templating import render

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = "<script>alert(1)</script>"


def test_a_saved_atlas_links_back_to_the_karabakh_atlas_and_escapes_its_title():
    html = render("source_banner.html", kind="saved", title=f"{PAYLOAD} News", author=PAYLOAD, back_url="./")
    assert "A saved atlas" in html and '<a href="./" target="_self">Back to the Karabakh atlas</a>' in html
    assert "<script>" not in html and html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2


def test_a_draft_has_no_link_that_would_lose_it():
    html = render("source_banner.html", kind="draft", title="News", author="", back_url=None)
    assert "Your own atlas" in html and "<a " not in html


def test_the_default_atlas_has_no_banner():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert not [m for m in at.markdown if "atlas-source-banner" in m.value]
    assert not [b for b in at.button if b.key == "atlas-source-back"]
