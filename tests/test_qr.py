"""QR codes (geo/render/qr.py): made locally, large enough to scan from a classroom seat."""

from __future__ import annotations

import base64

from bs4 import BeautifulSoup

from geo.render.qr import MODULE_PX, qr_data_uri, qr_svg

HOSTILE = "<script>alert(1)</script>"
LINK = "http://localhost:8501/Classroom_tour?step=3"


def test_qr_svg_is_one_scalable_svg_element_with_a_quiet_zone():
    soup = BeautifulSoup(qr_svg(LINK), "html.parser")
    [svg] = soup.find_all("svg")
    assert svg["role"] == "img"
    width, height = int(svg["width"]), int(svg["height"])
    assert svg["viewbox"] == f"0 0 {width} {height}"
    assert width == height >= 29 * MODULE_PX  # at least version 3 (29 modules) plus the border


def test_the_title_is_text_not_markup():
    soup = BeautifulSoup(qr_svg(LINK, title=HOSTILE), "html.parser")
    assert soup.find("script") is None
    assert soup.find("title").get_text() == HOSTILE


def test_data_uri_is_the_same_svg_with_a_namespace():
    uri = qr_data_uri(LINK)
    assert uri.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" ')
    assert svg.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1) == qr_svg(LINK)
