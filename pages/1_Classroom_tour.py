"""Classroom tour: one place at a time, in large type, for presenting to a class; the step is in the
link, and a room's phones follow the presenter (geo/app/classroom_tour.py)."""

from __future__ import annotations

from geo.app import classroom_tour
from geo.app.registry import page_may_draw

if page_may_draw():
    classroom_tour.main()
