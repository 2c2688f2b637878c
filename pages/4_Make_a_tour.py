"""Make a tour: a teacher writes a storyline of their own, previews it, downloads, saves and runs it
(geo/app/editor.py)."""

from __future__ import annotations

from geo.app import editor
from geo.app.registry import page_may_draw

if page_may_draw():
    editor.main()
