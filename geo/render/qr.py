"""QR codes as inline SVG, made locally with segno (no network, no image files)."""

from __future__ import annotations

import base64

import segno

# Pixels per module: a 33-module code with its quiet zone is then about 400 px wide,
# large enough to scan from a classroom seat on a projector. CSS may scale it down.
MODULE_PX = 10


def qr_svg(data: str, *, scale: int = MODULE_PX, dark: str = "#000000", light: str = "#ffffff", title: str = "") -> str:
    """An <svg> element (no XML declaration) encoding `data`, with a white quiet zone.

    The SVG keeps a viewBox, so `max-width: 100%; height: auto` shrinks it on a phone.
    Error correction M survives a little glare or a low-contrast projector.
    """
    code = segno.make(data, error="m", micro=False)
    width, height = code.symbol_size(scale=scale, border=4)
    svg = code.svg_inline(
        scale=scale,
        border=4,
        dark=dark,
        light=light,
        title=title or None,
        svgclass="atlas-qr",
        lineclass=None,
        omitsize=False,
    )
    return svg.replace("<svg ", f'<svg viewBox="0 0 {width} {height}" role="img" ', 1)


def qr_data_uri(data: str, **kwargs) -> str:
    """The QR code as a `data:image/svg+xml` URI, for an <img> (survives HTML sanitizers)."""
    svg = qr_svg(data, **kwargs).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
