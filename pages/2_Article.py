"""The article reader: the whole text beside the map, every mention of a place a link to it
(geo/app/article_reader.py)."""

from __future__ import annotations

from geo.app import article_reader
from geo.app.registry import page_may_draw

if page_may_draw():
    article_reader.main()
