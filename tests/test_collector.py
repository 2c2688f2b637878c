"""geo/app/collector.py: what a server's process holds after a page's first full run is set aside from
Python's collections, once per page, and cycles made later are still collected."""

from __future__ import annotations

import gc
import weakref

from geo.app import collector


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_a_pages_first_run_sets_aside_what_the_process_holds_and_later_runs_do_not(monkeypatch):
    monkeypatch.setattr(collector, "_set_aside", set())
    try:
        held = [Node() for _ in range(100)]  # what the process holds at the end of the run
        assert collector.set_aside("Classroom_tour") is True
        frozen = gc.get_freeze_count()
        assert frozen >= len(held)
        later = [Node() for _ in range(100)]  # made by a later run of the page: not set aside
        assert collector.set_aside("Classroom_tour") is False
        assert gc.get_freeze_count() < frozen + len(later)  # (objects set aside may die meanwhile)
        assert collector.set_aside("") is True  # another page's first run (Explore's path is "")

        first, second = Node(), Node()  # a cycle made after: still collected
        first.other, second.other = second, first
        gone = weakref.ref(first)
        del first, second
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
