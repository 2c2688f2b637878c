"""Python's garbage collector on a server: what the process has loaded is set aside from its collections.

A worker holds about 200,000 objects once a page has run (the atlas, its maps and templates,
Streamlit and its libraries), nearly all of them for as long as the process lives. Python's full
collection walks every one of them, and comes about once per few hundred runs: with a class
following the tour, in the middle of a Next's wake-ups, one follower's run stalled for the
collection (0.1-0.6 s on the shared 2-core machine) and every follower after it waited too
(bench/README.md, "Where a Next's wall time goes"). `set_aside` moves the objects the process
holds at the end of a page's first full run into the collector's permanent generation
(`gc.freeze`), which collections skip; the collector still finds every cycle made afterwards.
An object so set aside is still freed when nothing refers to it; only a cycle among such objects
stays, which is why it is done once per page and process (the first session's own objects are the
only ones that are not the process's).
"""

from __future__ import annotations

import gc

_set_aside: set[str] = set()  # the pages whose first full run in this process has ended


def set_aside(page: str) -> bool:
    """At the end of a full run of `page` on a server: the first time, set aside what the process
    holds (True); later, nothing."""
    if page in _set_aside:
        return False
    _set_aside.add(page)
    gc.freeze()
    return True
