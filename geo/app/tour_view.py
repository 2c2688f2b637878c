"""One tour step's map, drawn the same way on the Classroom tour and in the editor's preview."""

from __future__ import annotations

from typing import Any

from geo.app import atlas_map
from geo.app.bundle import Bundle
from geo.render.maps import places_bounds, view_for
from geo.render.view_models import StepView

MAP_HEIGHT = 700  # the iframe is then stretched to the window's height by CSS
VIEW_SIZE = (760, 640)  # a typical map size in pixels, for choosing the zoom of each step
MAP_KEY, MAP_CSS = "tour-map", ("atlas/tour-map.css",)


def step_view(made: Bundle, step: StepView) -> tuple[tuple[float, float], int]:
    """The view the teacher chose for the step, or one fitted to its places."""
    if step.view is not None:
        return (step.view.lat, step.view.lon), step.view.zoom
    data = made.atlas
    return view_for(places_bounds(data, [data.by_slug[s] for s in step.place_slugs]), *VIEW_SIZE)


def step_highlight(made: Bundle, step: StepView) -> str:
    """The step's places lit: an event's (and any others the teacher chose) together, or the one place."""
    slugs = step.place_slugs
    return made.highlight_places(slugs) if len(slugs) > 1 else made.highlight(step.place.slug)


def show_step_map(
    made: Bundle, step: StepView, *, height: int = MAP_HEIGHT, returned_objects: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """The tour's map on this step: its view and its places lit; returns what the map reports."""
    center, zoom = step_view(made, step)
    highlight = step_highlight(made, step)
    return atlas_map.show_map(
        made.page_map(MAP_KEY, MAP_CSS),
        height=height,
        center=center,
        zoom=zoom,
        highlight=highlight,
        returned_objects=returned_objects,
    )
