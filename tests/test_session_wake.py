"""Streamlit's runtime pieces that geo/app/session_wake.py reaches (a follower's page rerun from the
server): they still exist and take what they took for the pinned Streamlit."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import re
from collections import deque
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession

from geo.app import session_wake

ROOT = Path(__file__).resolve().parents[1]


def test_the_installed_streamlit_is_the_pinned_one():
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    pinned = re.search(r"^streamlit==(\S+)$", requirements, re.MULTILINE).group(1)
    assert metadata.version("streamlit") == pinned


def test_the_runtime_finds_a_session_by_its_id():
    assert list(inspect.signature(Runtime.get_app_session).parameters) == ["self", "session_id"]
    assert list(inspect.signature(Runtime.exists).parameters) == []


def test_a_session_reruns_with_a_client_state_on_its_event_loop():
    assert list(inspect.signature(AppSession.request_rerun).parameters) == ["self", "client_state"]
    assert list(inspect.signature(AppSession._call_soon_on_event_loop).parameters) == ["self", "callback"]


def test_a_session_keeps_its_last_client_state_and_reruns_with_it_on_save():
    """What the module copies: Streamlit's own rerun on a source change passes `_client_state`."""
    source = inspect.getsource(AppSession)
    assert "self._client_state = ClientState()" in source
    assert "self.request_rerun(self._client_state)" in inspect.getsource(AppSession._on_source_file_changed)
    assert ClientState().fragment_id == ""  # the saved state reruns the whole page, not a fragment


def test_st_rerun_passes_on_the_runs_list_of_kept_elements():
    """What `send_in_full` empties: the list the next run takes its references from."""
    from streamlit.commands import execution_control
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    assert "cached_message_hashes" in {f.name for f in dataclasses.fields(ScriptRunContext)}
    assert "cached_message_hashes=cached_message_hashes" in inspect.getsource(execution_control.rerun)
    assert "cached_message_hashes = ctx.cached_message_hashes" in inspect.getsource(execution_control.rerun)


def test_a_rerun_that_names_a_fragment_the_session_holds_reruns_that_fragment_alone():
    """What the wake of a follower's step relies on: the client state's fragment id becomes the run's
    fragment, a fragment the session no longer holds is ignored (the module checks first), and a run
    and a line of the page say which fragments they draw."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import FragmentThreadState, ScriptRunContext

    assert "fragment_id" in {f.name for f in ClientState.DESCRIPTOR.fields}
    source = inspect.getsource(AppSession.request_rerun)
    assert "fragment_id = client_state.fragment_id" in source
    assert "if fragment_id and not self.has_fragment(fragment_id):" in source
    assert "fragment_id=fragment_id or None" in source
    assert list(inspect.signature(AppSession.has_fragment).parameters) == ["self", "fragment_id"]
    assert "fragment_ids_this_run" in {f.name for f in dataclasses.fields(ScriptRunContext)}
    assert "fragment_id" in {f.name for f in dataclasses.fields(FragmentThreadState)}


class HeldFragments:
    """A session's two attributes that `client_state` reads."""

    def __init__(self, *held: str) -> None:
        self._client_state = ClientState(query_string="room=ABCDE&step=3", page_script_hash="tour")
        self.held = held

    def has_fragment(self, fragment_id: str) -> bool:
        return fragment_id in self.held


def test_the_wake_names_the_fragment_only_while_the_session_holds_it():
    session = HeldFragments("step-fragment")
    named = session_wake.client_state(session, "step-fragment")
    assert named.fragment_id == "step-fragment" and named.query_string == "room=ABCDE&step=3"
    assert named.page_script_hash == "tour" and session._client_state.fragment_id == ""  # a copy
    assert session_wake.client_state(session, "another") is session._client_state  # the whole page
    assert session_wake.client_state(session) is session._client_state


def test_outside_a_server_there_is_no_session_to_wake():
    assert session_wake.current_session() is None
    assert session_wake.rerun("no-such-session") is False
    assert session_wake.rerun("no-such-session", "a-fragment") is False
    assert session_wake.current_fragment() is None and not session_wake.fragment_rerun()
    session_wake.send_in_full()  # no run: nothing to do, and no error


def test_a_session_hands_every_event_of_its_runs_to_the_loop_through_one_method():
    """What `hand_off_in_batches` stands in for: the script thread's events (every message of a run)
    reach the event loop through the session's `_call_soon_on_event_loop`, which the rerun uses too."""
    source = inspect.getsource(AppSession._on_scriptrunner_event)
    assert "self._call_soon_on_event_loop(" in source
    assert "self._event_loop.call_soon_threadsafe(callback)" in inspect.getsource(AppSession._call_soon_on_event_loop)
    assert "self._event_loop = " in inspect.getsource(AppSession.__init__)


class Loop:
    """The event loop of a session, run by the test: what `BatchedHandOff` asks of asyncio's loop."""

    def __init__(self) -> None:
        self.ready: deque[Callable[[], None]] = deque()
        self.wakes = 0  # writes to the loop's wake-up socket (call_soon_threadsafe)
        self.closed = False
        self.failures: list[BaseException] = []

    def call_soon_threadsafe(self, callback: Callable[[], None]) -> None:
        if self.closed:
            raise RuntimeError("Event loop is closed")
        self.wakes += 1
        self.ready.append(callback)

    def call_soon(self, callback: Callable[[], None]) -> None:
        self.ready.append(callback)

    def is_closed(self) -> bool:
        return self.closed

    def call_exception_handler(self, context: dict) -> None:
        self.failures.append(context["exception"])

    def settle(self) -> None:
        while self.ready:
            self.ready.popleft()()


class LoopSession:
    def __init__(self) -> None:
        self._event_loop = Loop()


def test_callbacks_run_on_the_loop_in_order_and_wake_it_once_per_batch():
    session = LoopSession()
    hand_off = session_wake.BatchedHandOff(session)
    ran: list[int] = []
    for i in range(15):  # a run's messages, made on the script's thread while the loop is busy
        hand_off(lambda i=i: ran.append(i))
    assert ran == [] and session._event_loop.wakes == 1
    session._event_loop.settle()
    assert ran == list(range(15))
    hand_off(lambda: ran.append(15))  # the queue was empty again: the loop is woken again
    session._event_loop.settle()
    assert session._event_loop.wakes == 2 and ran[-1] == 15


def test_a_callback_queued_while_the_batch_runs_runs_after_it_and_a_failure_stops_none():
    session = LoopSession()
    hand_off = session_wake.BatchedHandOff(session)
    ran: list[str] = []

    def first() -> None:
        ran.append("first")
        hand_off(lambda: ran.append("queued meanwhile"))

    def failing() -> None:
        raise ValueError("one page's event failed")

    for callback in (first, failing, lambda: ran.append("after the failure")):
        hand_off(callback)
    session._event_loop.settle()
    assert ran == ["first", "after the failure", "queued meanwhile"]
    assert [str(e) for e in session._event_loop.failures] == ["one page's event failed"]
    assert session._event_loop.wakes == 1  # the second batch went from the loop's own thread


def test_once_the_loop_is_closed_callbacks_are_dropped_as_streamlit_drops_them():
    session = LoopSession()
    session._event_loop.closed = True
    hand_off = session_wake.BatchedHandOff(session)
    hand_off(lambda: None)  # no error
    hand_off(lambda: None)  # nor a queue that grows for nothing
    assert not hand_off._pending and not session._event_loop.ready


def test_the_hand_off_asks_of_the_loop_what_asyncio_offers():
    loop = asyncio.new_event_loop()
    try:
        for name in ("call_soon_threadsafe", "call_soon", "is_closed", "call_exception_handler"):
            assert callable(getattr(loop, name))
    finally:
        loop.close()


def test_a_run_starts_with_a_new_session_message_built_by_one_method_of_the_session():
    """What `reuse_new_session` stands in for, and the pieces it reads."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime import app_session
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner_utils.run_descriptor import RunDescriptor

    build = AppSession._create_new_session_message
    assert list(inspect.signature(build).parameters) == ["self", "page_script_hash", "run_descriptor", "pages"]
    assert "self._create_new_session_message(" in inspect.getsource(AppSession._handle_scriptrunner_event_on_event_loop)
    assert "_set_run_identity(msg, run_descriptor)" in inspect.getsource(build)
    assert "pages or self._pages_manager.get_pages()" in inspect.getsource(build)
    assert list(inspect.signature(PagesManager.get_pages).parameters) == ["self"]
    msg = ForwardMsg()
    app_session._set_run_identity(msg, RunDescriptor(script_run_id="r1", fragment_ids=("f",)))
    assert msg.metadata.run.script_run_id == "r1" and list(msg.metadata.run.fragment_ids) == ["f"]


class Pages:
    def __init__(self) -> None:
        self.pages = {"home": {"page_name": "Tour"}}

    def get_pages(self) -> dict:
        return self.pages


class BuildingSession:
    """A session whose `new_session` messages are numbered by the build that made them."""

    def __init__(self) -> None:
        self._pages_manager = Pages()
        self.builds = 0

    def _create_new_session_message(self, page_script_hash, run_descriptor, pages=None):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.runtime import app_session

        self.builds += 1
        msg = ForwardMsg()
        msg.new_session.page_script_hash = page_script_hash
        msg.new_session.name = f"build {self.builds}"
        app_session._set_run_identity(msg, run_descriptor)
        return msg


def test_a_fragment_run_of_the_same_page_sends_a_copy_naming_its_own_run():
    from streamlit.runtime.scriptrunner_utils.run_descriptor import RunDescriptor

    session = BuildingSession()
    reused = session_wake.ReusedNewSession(session)
    full = reused("page", RunDescriptor(script_run_id="r1"))
    woken = reused("page", RunDescriptor(script_run_id="r2", fragment_ids=("tour",)))
    again = reused("page", RunDescriptor(script_run_id="r3", fragment_ids=("tour",)))
    assert session.builds == 1 and full.new_session == woken.new_session == again.new_session
    assert [m.metadata.run.script_run_id for m in (full, woken, again)] == ["r1", "r2", "r3"]
    assert list(again.metadata.run.fragment_ids) == ["tour"] and not list(full.metadata.run.fragment_ids)


def test_a_full_run_another_page_or_changed_pages_build_the_message_afresh():
    from streamlit.runtime.scriptrunner_utils.run_descriptor import RunDescriptor

    session = BuildingSession()
    reused = session_wake.ReusedNewSession(session)
    reused("page", RunDescriptor(script_run_id="r1"))
    assert reused("page", RunDescriptor(script_run_id="r2")).new_session.name == "build 2"  # a full run
    other = reused("other", RunDescriptor(script_run_id="r3", fragment_ids=("tour",)))
    assert other.new_session.name == "build 3" and other.new_session.page_script_hash == "other"
    session._pages_manager.pages = {**session._pages_manager.pages, "new": {"page_name": "New"}}
    assert reused("other", RunDescriptor(script_run_id="r4", fragment_ids=("tour",))).new_session.name == "build 4"
    assert reused("other", RunDescriptor(script_run_id="r5", fragment_ids=("tour",))).new_session.name == "build 4"
