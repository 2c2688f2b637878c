"""Validate every data file in one go (`python -m geo check`), for editors and CI.

Loading the atlas already checks the geometry, the gazetteer, the article and its
metadata, and the figures; this adds the files pages read on their own (the tours, the
towns and water drawn for orientation, and the events) and returns one short line per
file, so an editor sees what was read. The first problem raises a DataError naming file,
entry and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geo.atlas.events import EVENTS_FILE_NAME, load_events
from geo.atlas.loader import Atlas, load_atlas
from geo.atlas.tours import DEFAULT_TOUR, TOUR_FILE_NAME, TOURS, Tour, load_tour
from geo.atlas.water import WATER_FILE_NAME, load_context_layers
from geo.atlas.wording import plural


@dataclass(frozen=True)
class FileReport:
    """One checked data file and what it holds."""

    file: str
    summary: str


def check_events(atlas: Atlas) -> FileReport:
    """events.yaml, when the folder has one (an atlas may date no event)."""
    path = atlas.data_dir / EVENTS_FILE_NAME
    if not path.exists():
        return FileReport(EVENTS_FILE_NAME, "not present, skipped")
    return FileReport(EVENTS_FILE_NAME, plural(len(load_events(atlas, path)), "event"))


def check_data(data_dir: Path | None = None) -> list[FileReport]:
    """Load and cross-check every data file in the folder (see geo.atlas.resolve_data_dir)."""
    atlas = load_atlas(data_dir)
    named = sum(1 for p in atlas.places if atlas.passages[p.slug])
    passages = sum(len(ps) for ps in atlas.passages.values())
    tour_path = atlas.data_dir / TOUR_FILE_NAME
    tour = load_tour(atlas, tour_path)
    tour_summary = steps_summary(tour)
    if not tour_path.exists():
        tour_summary += " (no file: the article's order)"
    meta = atlas.meta
    context, waters = load_context_layers(atlas)
    return [
        FileReport("geometry.geojson", plural(len(atlas.shapes), "feature")),
        FileReport(
            "places.yaml",
            f"{plural(len(atlas.places), 'place')}: {named} named in the article, "
            f"{len(atlas.places) - named} shown for context",
        ),
        FileReport("article.md", f"{plural(len(atlas.blocks), 'block')}, {plural(passages, 'passage')}"),
        FileReport("article.yaml", f"“{meta.title}”, {meta.author}, {meta.publisher}, {meta.first_published_text}"),
        FileReport("figures.yaml", plural(len(atlas.distances), "distance")),
        FileReport(TOUR_FILE_NAME, tour_summary),
        FileReport(
            "context.yaml",
            f"{plural(len(context.towns), 'town')}, {plural(len(context.waters), 'named water')}, "
            f"{plural(len(context.rivers), 'river')} drawn for orientation, none a place of the article",
        ),
        FileReport(
            WATER_FILE_NAME,
            f"{plural(len(waters.lakes), 'lake')}, {plural(len(waters.seas), 'sea')}, "
            f"{plural(len(waters.rivers), 'river')}",
        ),
        check_events(atlas),
        *check_other_tours(atlas),
    ]


def steps_summary(tour: Tour) -> str:
    """A storyline's steps, and how many of them ask the class a question first."""
    questions = sum(1 for step in tour.steps if step.kind == "question")
    return plural(len(tour), "step") + (f", {plural(questions, 'question')}" if questions else "")


def check_other_tours(atlas: Atlas) -> list[FileReport]:
    """The storylines besides tour.yaml (the chronology), each only when its file is there."""
    reports = []
    for name, file in TOURS.items():
        if name == DEFAULT_TOUR:
            continue
        path = atlas.data_dir / file
        summary = steps_summary(load_tour(atlas, path, name=name)) if path.exists() else "not present, skipped"
        reports.append(FileReport(file, summary))
    return reports
