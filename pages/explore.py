"""Explore: the map of every place the article names, with the passages beside it and the article's
chronology (geo/app/explore.py)."""

from __future__ import annotations

from geo.app import explore

explore.main()
