"""Map your own article: paste or upload a text, check the places the geoparser finds, open it as an
atlas (geo/app/map_any.py)."""

from __future__ import annotations

from geo.app import map_any
from geo.app.registry import page_may_draw

if page_may_draw():
    map_any.main()
