"""Rerunning a session's page from another thread: the one module that reaches into Streamlit's
runtime for it.

Streamlit has no public way for the server to rerun a page: a browser asks, or the page itself
asks again on a timer (`st.fragment(run_every=...)`), which is what a class's followers did, each
several times a second while nothing happened. Streamlit does rerun a page of its own accord when
a source file changes (`runner.runOnSave`): `AppSession` calls `request_rerun` with the client
state of the session's last run, so the page reruns with the browser's address and widgets. A
follower's page is rerun the same way here, on the server's event loop as a browser's request
would be, when geo/rooms/watch.py sees its room move.

A page may name a fragment that holds everything a move changes (the tour's body): the session
then reruns that fragment alone, as Streamlit does when a widget inside it is used (the client
state names the fragment's id), and the page's other elements stay as the browser shows them.
A follower's run after a Next then skips the page's set-up, the app's navigation and the
session's `new_session` message, which were about a third of its cost. Should the session no
longer hold that fragment (a full run that did not draw it), the whole page reruns.

The same rerun carries no list of the elements the browser keeps, so every element travels in
full. `send_in_full` does the same for a `st.rerun()` from a run whose request is old: Streamlit
sends an element the browser listed as kept as a reference only, and the browser keeps an
element for two runs; a list sent seconds before, with runs in between, may name elements the
browser has dropped, and the page would fail to show them.

A woken run hands each of its messages from the script's thread to the server's event loop with
a call of `loop.call_soon_threadsafe`, which writes a byte to the loop's wake-up socket: the
write lets the event loop's thread take the interpreter, handle that one message and give it
back, fifteen times a run. `hand_off_in_batches` gives a following session a queue in front of its event loop: the
callbacks still run on the loop, in the order the run made them, but the socket is written only
when the queue was empty, so the messages a run makes while the loop is busy elsewhere go over
together (17-19 voluntary context switches per woken run instead of 21-27, bench/README.md).

Every run, fragment runs too, starts with a `new_session` message that Streamlit builds afresh:
the app's pages, its settings, the theme's six sections (each found by a walk of all the settings),
the session's own data. For one session's fragment runs on one page nothing in it changes but the
run it names. `reuse_new_session` keeps a following session's last one and, for a fragment run
of the same page and pages, sends a copy of it naming the new run (a full run builds it afresh,
as Streamlit does).

Reached here and nowhere else, for the Streamlit pinned in requirements.txt:
`Runtime.get_app_session` (public, thread-safe), `AppSession._call_soon_on_event_loop` (through
which the session's script thread hands every event to the loop), `AppSession._event_loop`,
`AppSession._client_state`, `AppSession.request_rerun(client_state)` with the client state's
`fragment_id`, `AppSession.has_fragment`, `ScriptRunContext.cached_message_hashes` (which `st.rerun()`
passes on), `ScriptRunContext.fragment_ids_this_run` and `ThreadState.get().fragment_id` (the
fragment a line of the page draws in), `AppSession._create_new_session_message(page_script_hash,
run_descriptor, pages)`, `AppSession._pages_manager.get_pages()` and `app_session._set_run_identity`
(which names the run in a lifecycle message).
tests/test_session_wake.py fails when another version renames them or changes what they take.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import Runtime, app_session
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.run_descriptor import RunDescriptor
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

log = logging.getLogger(__name__)


def current_session() -> str | None:
    """The id of the session whose run this is; None outside a server's run (a test's AppTest, a script)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or not Runtime.exists():
        return None
    return ctx.session_id if Runtime.instance().get_app_session(ctx.session_id) is not None else None


def current_fragment() -> str | None:
    """The id of the fragment the calling line draws in; None in the page's own body or outside a run."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return ThreadState.get().fragment_id


def fragment_rerun() -> bool:
    """Whether this run reruns fragments only (a widget inside one was used, or `rerun` named one),
    rather than the whole page."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def client_state(session: AppSession, fragment: str | None = None) -> ClientState:
    """The session's last address and page, as its last run left them, naming `fragment` when the
    session still holds it (then that fragment alone reruns)."""
    if not fragment or not session.has_fragment(fragment):
        return session._client_state
    state = ClientState()
    state.CopyFrom(session._client_state)
    state.fragment_id = fragment
    return state


def rerun(session_id: str, fragment: str | None = None) -> bool:
    """Ask the session's page, or only its `fragment`, to rerun, from any thread, as the browser
    would with its last address and widgets; False when the session is gone (its tab closed)."""
    if not Runtime.exists():
        return False
    session = Runtime.instance().get_app_session(session_id)
    if session is None:
        return False
    session._call_soon_on_event_loop(lambda: session.request_rerun(client_state(session, fragment)))
    return True


def send_in_full() -> None:
    """Have this run's `st.rerun()` send every element in full rather than as references to
    elements the browser listed, possibly long ago, as kept."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None:
        ctx.cached_message_hashes = frozenset()


def waker(session_id: str, fragment: str | None = None) -> Callable[[], bool]:
    """`rerun` of this session (or of its `fragment`), as a callable that holds only their ids (not
    the session itself)."""
    return lambda: rerun(session_id, fragment)


class BatchedHandOff:
    """A session's callbacks for its event loop, queued and run there in order, the loop woken once
    per batch rather than once per callback (see the module's notes). Stands in for the session's
    `_call_soon_on_event_loop`, with its behaviour: callable from any thread, callbacks run on the
    loop in the order given, dropped once the loop is closed."""

    def __init__(self, session: AppSession) -> None:
        self._session = session
        self._lock = threading.Lock()
        self._pending: deque[Callable[[], None]] = deque()
        self._scheduled = False  # a drain is on the loop's way: the next callbacks join it

    def __call__(self, callback: Callable[[], None]) -> None:
        with self._lock:
            self._pending.append(callback)
            if self._scheduled:
                return
            self._scheduled = True
        loop = self._session._event_loop
        try:
            loop.call_soon_threadsafe(self._drain)
        except RuntimeError:
            with self._lock:
                self._pending.clear()
                self._scheduled = False
            if not loop.is_closed():
                raise
            log.debug("dropped the callbacks of a session whose event loop is closed")

    def _drain(self) -> None:
        """On the loop: run the callbacks queued so far; those queued meanwhile wait for the next
        turn of the loop, so that a busy session does not hold the loop from the others."""
        with self._lock:
            batch = list(self._pending)
            self._pending.clear()
        loop = self._session._event_loop
        for callback in batch:
            try:
                callback()
            except Exception as exc:  # as asyncio does for a callback of its own: report, go on
                loop.call_exception_handler({"message": "a session's callback failed", "exception": exc})
        with self._lock:
            if not self._pending:
                self._scheduled = False
                return
        loop.call_soon(self._drain)  # on the loop's own thread: no wake-up needed


def hand_off_in_batches(session_id: str) -> None:
    """Have the session's script thread hand its messages to the event loop in batches (see the
    module's notes), once per session; nothing outside a server."""
    if not Runtime.exists():
        return
    session = Runtime.instance().get_app_session(session_id)
    if session is not None and not isinstance(vars(session).get("_call_soon_on_event_loop"), BatchedHandOff):
        session._call_soon_on_event_loop = BatchedHandOff(session)  # type: ignore[method-assign]


class ReusedNewSession:
    """A session's `new_session` messages: built by Streamlit for a full run, or when the page or its
    pages changed; for a fragment run otherwise, a copy of the last one naming the new run (see the
    module's notes). Stands in for the session's `_create_new_session_message`, with its arguments."""

    def __init__(self, session: AppSession) -> None:
        self._session = session
        self._build = session._create_new_session_message  # Streamlit's own, bound to the session
        self._kept: tuple[str, dict, ForwardMsg] | None = None  # page hash, pages, message (no run named)

    def __call__(self, page_script_hash: str, run_descriptor: RunDescriptor, pages: dict | None = None) -> ForwardMsg:
        shown = pages or self._session._pages_manager.get_pages()
        kept = self._kept
        if run_descriptor.fragment_ids and kept and kept[0] == page_script_hash and kept[1] == shown:
            msg = ForwardMsg()
            msg.CopyFrom(kept[2])
            app_session._set_run_identity(msg, run_descriptor)
            return msg
        msg = self._build(page_script_hash, run_descriptor, pages)
        unnamed = ForwardMsg()
        unnamed.CopyFrom(msg)
        unnamed.metadata.ClearField("run")
        self._kept = (page_script_hash, dict(shown), unnamed)
        return msg


def reuse_new_session(session_id: str) -> None:
    """Have the session's fragment runs send a copy of its last `new_session` (see the module's
    notes), once per session; nothing outside a server."""
    if not Runtime.exists():
        return
    session = Runtime.instance().get_app_session(session_id)
    if session is not None and not isinstance(vars(session).get("_create_new_session_message"), ReusedNewSession):
        session._create_new_session_message = ReusedNewSession(session)  # type: ignore[method-assign]
