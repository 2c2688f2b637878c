"""Explore's place list carries each place's names for the browser's search: a hostile name from a
draft or a saved atlas must reach the markup as text, in the attribute and in the link alike."""

from types import SimpleNamespace

from geo.render.templating import render

HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def test_hostile_names_and_labels_are_escaped_in_the_place_list():
    place = SimpleNamespace(slug="x", list_label=HOSTILE)
    html = render(
        "place_list.html",
        groups=[SimpleNamespace(label=HOSTILE, places=[place])],
        hrefs={"x": "?place=x"},
        names={"x": HOSTILE.lower()},
        hint=HOSTILE,
    )
    assert "<script>" not in html and "<img" not in html
    assert 'data-names="&#34;&gt;&lt;script&gt;' in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 4  # names, label, group, hint
