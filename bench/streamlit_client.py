"""A Streamlit client without a browser: one session over Streamlit's own WebSocket protocol.

It does what the Streamlit front end does for the parts that load the server: it fetches
the health check (which sets the XSRF cookie, and behind the proxy its sticky-session
cookie), opens `/_stcore/stream` with the subprotocols the front end sends (`streamlit`, the
XSRF token, the last session id) and the cookies a browser would send, asks for runs with
`BackMsg.rerun_script` carrying the URL's query string and page, keeps the front end's cache
of large messages (so the server sends references to what it already sent, as it would to
a browser) and reads `ForwardMsg`s until `script_finished`. It can press a button (a widget
trigger, as a click sends) with other widgets' values (a text box, a radio), upload a file as
the front end does (an upload URL asked for over the socket, then an HTTP PUT with the XSRF
token), and stay on a page as an open tab does (`listen`): every fragment
with `run_every` is rerun at its interval, as the front end's timer does, and every message
the server pushes, such as the full run a fragment starts with `st.rerun()`, is handed to
the caller.

It does not run the page's JavaScript: components (the map) are not drawn and send no
values back, and the front end's assets are not downloaded.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from http.client import HTTPException
from http.cookies import SimpleCookie
from urllib.parse import urlsplit, urlunsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from deploy.nginx import COOKIE

XSRF_COOKIE = "_streamlit_xsrf"
NO_TOKEN = "PLACEHOLDER_AUTH_TOKEN"  # what the front end sends when it has no XSRF cookie
MAX_MESSAGE = 256 * 1024 * 1024  # Streamlit allows 200 MB messages; never refuse one
# Failures that mean "this session's connection is gone or could not be made".
CONNECTION_ERRORS = (OSError, HTTPException, WebSocketException, TimeoutError, EOFError)
# A full run is over with one of these; a fragment's run ends with FINISHED_FRAGMENT_RUN_SUCCESSFULLY.
FULL_RUN_OVER = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
# Widget elements whose id a click or a value needs (a toggle is a checkbox).
WIDGETS = (
    "button",
    "checkbox",
    "download_button",
    "text_area",
    "text_input",
    "radio",
    "file_uploader",
    "component_instance",  # a custom component with a key (the map: a tap is its value)
)


class SessionClosed(Exception):
    """The WebSocket closed or failed: the browser would show "Connecting"."""


class RerunTimeout(Exception):
    """A run did not finish in time: the browser would keep showing "Running"."""


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float  # from sending the rerun to script_finished
    payload_bytes: int  # size of the ForwardMsgs received (as Streamlit serialised them)
    wire_bytes: int  # bytes read from the socket (deflated frames, with headers)
    problems: list[str] = field(default_factory=list)  # exceptions and errors the page showed


class CountingConnection(ClientConnection):
    """A WebSocket connection that counts the bytes it reads from the network, before inflating."""

    wire_bytes = 0

    def data_received(self, data: bytes) -> None:
        self.wire_bytes += len(data)
        super().data_received(data)


class MessageCache:
    """The front end's cache of large messages (ForwardMessageCache in Streamlit's front end).

    A cacheable message is kept with the run count at which it was last used; after each
    finished run, messages unused for more than `max_age` runs are dropped. Every rerun
    lists the hashes it keeps, and the server replaces those messages by references.
    """

    def __init__(self, max_age: int = 2) -> None:
        self.max_age = max_age
        self.runs = 0
        self.used: dict[str, int] = {}

    def receive(self, msg: ForwardMsg) -> bool:
        """Note a message; False if it refers to one this cache never had (the front end would fail)."""
        if msg.WhichOneof("type") == "ref_hash":
            if msg.ref_hash not in self.used:
                return False
            self.used[msg.ref_hash] = self.runs
        elif msg.metadata.cacheable and msg.hash:
            self.used[msg.hash] = self.runs
        return True

    def run_finished(self) -> None:
        self.runs += 1
        self.used = {h: run for h, run in self.used.items() if self.runs - run <= self.max_age}

    def hashes(self) -> list[str]:
        return list(self.used)


def stream_url(base_url: str) -> str:
    """ws(s)://host/prefix/_stcore/stream for an http(s)://host/prefix base URL."""
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + "/_stcore/stream", "", ""))


def origin_of(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())} if cookies else {}


def set_cookies(headers: list[str], cookies: dict[str, str]) -> None:
    """Keep what Set-Cookie headers set, as a browser's cookie jar does (an empty value forgets)."""
    for header in headers:
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel.value:
                cookies[name] = morsel.value
            else:
                cookies.pop(name, None)


def fetch_health(base_url: str, cookies: dict[str, str], timeout: float, marker: str = "") -> None:
    """GET the health check as the front end does first, with the session's cookies; keep what it sets
    (Streamlit's XSRF cookie, when enabled; the proxy's sticky-session cookie). A `marker` (?probe=)
    finds the request in the proxy's access log, which names the worker it went to: the same as the
    WebSocket's, as both follow the sticky cookie."""
    query = f"?probe={marker}" if marker else ""
    request = urllib.request.Request(f"{base_url.rstrip('/')}/_stcore/health{query}", headers=cookie_header(cookies))
    with urllib.request.urlopen(request, timeout=timeout) as response:
        set_cookies(response.headers.get_all("Set-Cookie") or [], cookies)


def put_file(url: str, name: str, data: bytes, cookies: dict[str, str], timeout: float) -> None:
    """PUT one file as multipart form data (field "file"), with the XSRF token the front end sends."""
    boundary = f"bench{time.monotonic_ns()}"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", **cookie_header(cookies)}
    if XSRF_COOKIE in cookies:
        headers["X-Xsrftoken"] = cookies[XSRF_COOKIE]
    request = urllib.request.Request(url, data=body, headers=headers, method="PUT")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()


def problems_in(msg: ForwardMsg) -> list[str]:
    """What a user would see as a failure: an exception box, an st.error alert, or "page not found"."""
    kind = msg.WhichOneof("type")
    if kind == "page_not_found":
        return [f"page not found: {msg.page_not_found.page_name!r}"]
    if kind != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return []
    element = msg.delta.new_element
    shown = element.WhichOneof("type")
    if shown == "exception":
        return [f"{element.exception.type}: {element.exception.message}"[:300]]
    if shown == "alert" and element.alert.format == Alert.ERROR:
        return [f"st.error: {element.alert.body}"[:300]]
    return []


class StreamlitSession:
    """One browser tab's worth of Streamlit session, over one WebSocket at a time.

    base_url is the app's root (http://host:port or http://host/prefix); page is the
    page's URL path below it ("" for the main page, "Classroom_tour" for the tour).
    """

    def __init__(self, base_url: str, page: str = "", timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.page = page
        self.timeout = timeout
        self.session_id = ""  # given by the server in new_session; sent back when reconnecting, like the front end
        self.page_hash = ""  # the page the server says is showing; "" until the first run names it
        self.cache = MessageCache()
        self.closed_at: float | None = None  # monotonic time the connection ended, if it did
        self.cookies: dict[str, str] = {}  # the browser's cookies for this site (XSRF, the proxy's, the app's)
        self.query = ""  # the address bar's query string: the last asked for, or what the page set
        self.widget_ids: dict[str, str] = {}  # a widget's key -> the id a click or a value is sent with
        self.widget_kinds: dict[str, str] = {}  # a widget's key -> its element's type ("button", "component_instance")
        # A map whose front end reports once it has drawn (its script sets no report before, the quiet start):
        # a browser's page then runs again, about when the map shows (Explore's first visit draws the rest then).
        self.map_reports = False
        self.fragments: dict[str, float] = {}  # fragment id -> its run_every interval, from auto_rerun
        self._due: dict[str, float] = {}  # fragment id -> when its timer next fires (kept between listens)
        self.fragment_runs = 0  # fragment reruns this client asked for (listen)
        # Marks this session's health checks in a proxy's access log, which names the worker (upstream=).
        self.marker = uuid.uuid4().hex
        self._ws: CountingConnection | None = None
        # (time.monotonic() the frame was read, its bytes); None once the connection has ended
        self._inbox: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
        self._reader: asyncio.Task | None = None
        self._closed = asyncio.Event()

    @property
    def is_open(self) -> bool:
        return self._ws is not None and not self._closed.is_set()

    @property
    def worker(self) -> str:
        """The worker behind the proxy this browser is placed on, by the short name its sticky cookie
        holds ("" without a proxy)."""
        return self.cookies.get(COOKIE, "")

    async def open(self) -> None:
        """Connect as the front end does (health check, XSRF cookie, subprotocols); raise SessionClosed if it cannot."""
        await self.close()  # a reconnection replaces the old socket, as the front end's does
        try:
            await asyncio.wait_for(
                asyncio.to_thread(fetch_health, self.base_url, self.cookies, self.timeout, self.marker), self.timeout
            )
            token = self.cookies.get(XSRF_COOKIE)
            protocols = ["streamlit", token or NO_TOKEN] + ([self.session_id] if self.session_id else [])
            self._ws = await connect(
                stream_url(self.base_url),
                subprotocols=protocols,
                origin=origin_of(self.base_url),
                additional_headers=cookie_header(self.cookies),
                create_connection=CountingConnection,
                open_timeout=self.timeout,
                close_timeout=5,
                ping_interval=None,  # browsers answer the server's pings but send none
                max_size=MAX_MESSAGE,
                max_queue=None,
                proxy=None,
            )
        except CONNECTION_ERRORS as exc:
            raise SessionClosed(f"cannot connect: {describe(exc)}") from exc
        if self._ws.response is not None:
            set_cookies(self._ws.response.headers.get_all("Set-Cookie"), self.cookies)
        self.fragments, self._due = {}, {}  # a new connection's runs announce their fragments again
        self._inbox = asyncio.Queue()
        self._closed = asyncio.Event()
        self.closed_at = None
        self._reader = asyncio.create_task(self._read(self._ws))

    async def _read(self, ws: CountingConnection) -> None:
        try:
            async for data in ws:
                self._inbox.put_nowait((time.monotonic(), data if isinstance(data, bytes) else data.encode()))
        except ConnectionClosed:
            pass
        finally:
            self.closed_at = time.monotonic()
            self._closed.set()
            self._inbox.put_nowait(None)

    async def _next_frame(self, timeout: float) -> tuple[float, bytes] | None:
        """The next frame read (None once the connection has ended); TimeoutError if none comes within
        `timeout` seconds. A frame already queued is taken at once, and a wait is bounded by
        `asyncio.timeout` rather than `asyncio.wait_for`, which wraps every wait in a task of its own:
        with 250 sessions in one client, that wrapping cost the client more than parsing the messages.
        The frame's time is the moment it was read, either way."""
        if not self._inbox.empty():
            return self._inbox.get_nowait()
        async with asyncio.timeout(timeout):
            return await self._inbox.get()

    async def wait_closed(self, timeout: float) -> bool:
        """Sleep up to timeout seconds, waking early if the connection ends; True if it did."""
        try:
            await asyncio.wait_for(self._closed.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def _client_state(
        self, query: str, fragment_id: str = "", trigger: str = "", values: list[WidgetState] | None = None
    ) -> BackMsg:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query
        state.fragment_id = fragment_id
        state.is_auto_rerun = bool(fragment_id)
        # The front end names the page by its URL path until the server has told it the page's hash.
        state.page_script_hash = self.page_hash
        state.page_name = "" if self.page_hash else self.page
        state.cached_message_hashes.extend(self.cache.hashes())
        state.widget_states.SetInParent()
        if trigger:
            state.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        state.widget_states.widgets.extend(values or [])
        info = state.context_info
        info.url = f"{self.base_url}/{self.page}" + (f"?{query}" if query else "")
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-GB"
        info.is_embedded, info.color_scheme = False, "light"
        return msg

    async def rerun(self, query: str, on_message: Callable[[ForwardMsg, float], None] | None = None) -> Run:
        """Ask for a run with this query string (without "?") and wait for it to finish."""
        self.query = query
        return await self._run(self._client_state(query), on_message)

    async def click(
        self,
        key: str,
        on_message: Callable[[ForwardMsg, float], None] | None = None,
        values: list[WidgetState] | None = None,
    ) -> Run:
        """Press the button with this key (as shown by the last runs) and wait for the run it starts.

        `values` are the other widgets' states sent with the click (`text`, `upload`), as the
        front end sends every widget's value with each run; widgets not in it have their defaults.
        """
        if key not in self.widget_ids:
            raise KeyError(f"no widget with key {key!r} on the page")
        return await self._run(self._client_state(self.query, trigger=self.widget_ids[key], values=values), on_message)

    async def set_values(
        self, values: list[WidgetState], on_message: Callable[[ForwardMsg, float], None] | None = None
    ) -> Run:
        """Change widgets' values without a click (a radio choice, typing in a box, a tap on a map) and wait
        for the run."""
        return await self._run(self._client_state(self.query, values=values), on_message)

    def component_value(self, kind: str, value: object) -> WidgetState:
        """The state of the page's one keyed custom component of this kind holding `value` (JSON), as the
        front end sends it (the map's `last_clicked` after a tap)."""
        keys = [key for key, shown in self.widget_kinds.items() if shown == kind]
        if len(keys) != 1:
            raise KeyError(f"not one {kind} on the page: {keys}")
        return WidgetState(id=self.widget_ids[keys[0]], json_value=json.dumps(value))

    async def report_drawn(self, value: object) -> Run | None:
        """The run a browser's map starts by reporting `value` once drawn, when the page's map asked to
        report (`map_reports`); None when it did not."""
        if not self.map_reports:
            return None
        self.map_reports = False  # a drawn map is kept, and reports once
        return await self.set_values([self.component_value("component_instance", value)])

    def text(self, key: str, value: str) -> WidgetState:
        """The state of a text box or a radio (by its option's label) holding `value`."""
        return WidgetState(id=self._widget(key), string_value=value)

    def _widget(self, key: str) -> str:
        if key not in self.widget_ids:
            raise KeyError(f"no widget with key {key!r} on the page")
        return self.widget_ids[key]

    async def upload(self, key: str, name: str, data: bytes) -> WidgetState:
        """Upload a file as the front end does for the file uploader with this key; the widget state naming it.

        Ask the server for an upload URL (BackMsg file_urls_request), PUT the file there as
        multipart form data with the XSRF token, and return the uploader's state to send with a run.
        """
        widget = self._widget(key)
        request = BackMsg()
        request.file_urls_request.request_id = f"bench-{time.monotonic_ns()}"
        request.file_urls_request.file_names.append(name)
        request.file_urls_request.session_id = self.session_id
        await self._send(request)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                item = await asyncio.wait_for(self._inbox.get(), max(deadline - time.monotonic(), 0.001))
            except TimeoutError:
                raise RerunTimeout(f"no upload URL within {self.timeout:.0f} s") from None
            if item is None:
                raise SessionClosed(f"closed while asking to upload: {self.closed_reason()}")
            msg = ForwardMsg()
            msg.ParseFromString(item[1])
            self._note(msg)
            if msg.WhichOneof("type") == "file_urls_response":
                if msg.file_urls_response.error_msg:
                    raise SessionClosed(f"upload refused: {msg.file_urls_response.error_msg}")
                urls = msg.file_urls_response.file_urls[0]
                break
        target = urls.upload_url if "://" in urls.upload_url else origin_of(self.base_url) + urls.upload_url
        try:
            await asyncio.wait_for(
                asyncio.to_thread(put_file, target, name, data, self.cookies, self.timeout), self.timeout
            )
        except CONNECTION_ERRORS as exc:
            raise SessionClosed(f"upload failed: {describe(exc)}") from exc
        state = WidgetState(id=widget)
        state.file_uploader_state_value.uploaded_file_info.append(
            UploadedFileInfo(file_id=urls.file_id, name=name, size=len(data), file_urls=urls)
        )
        return state

    async def _send(self, msg: BackMsg) -> None:
        if not self.is_open:
            raise SessionClosed("not connected")
        assert self._ws is not None
        try:
            await asyncio.wait_for(self._ws.send(msg.SerializeToString()), self.timeout)
        except CONNECTION_ERRORS as exc:
            raise SessionClosed(f"send failed: {describe(exc)}") from exc

    async def _run(self, request: BackMsg, on_message: Callable[[ForwardMsg, float], None] | None) -> Run:
        if not self.is_open:
            raise SessionClosed("not connected")
        assert self._ws is not None
        start_wire, payload, problems = self._ws.wire_bytes, 0, []
        started = time.perf_counter()
        deadline = time.monotonic() + self.timeout
        await self._send(request)
        while True:
            remaining = deadline - time.monotonic()
            try:
                item = await self._next_frame(max(remaining, 0.001))
            except TimeoutError:
                raise RerunTimeout(f"no script_finished within {self.timeout:.0f} s") from None
            if item is None:
                raise SessionClosed(f"closed during a run: {self.closed_reason()}")
            arrived, data = item
            payload += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            problems += self._note(msg)
            if on_message is not None:
                on_message(msg, arrived)
            if msg.WhichOneof("type") == "script_finished" and self._run_over(msg.script_finished):
                return Run(time.perf_counter() - started, payload, self._ws.wire_bytes - start_wire, problems)

    async def listen(self, until: float, on_message: Callable[[ForwardMsg, float], None] | None = None) -> list[str]:
        """Stay on the page until `until` (time.monotonic()) as an open tab does; return what it showed as failures.

        Each fragment with `run_every` is asked to rerun at its interval (the front end's
        setInterval, started when the fragment was announced), whether or not a run is in
        progress; every message the server sends is passed to `on_message` with the
        monotonic time its frame was read from the socket (before this client parsed it,
        so that a burst of messages to many sessions does not count the client's own work).
        Raises SessionClosed if the connection ends.
        """
        problems: list[str] = []
        due = self._due
        while True:
            now = time.monotonic()
            for fragment in list(due):
                if fragment not in self.fragments:
                    del due[fragment]
            for fragment, interval in self.fragments.items():
                due.setdefault(fragment, now + interval)
            for fragment, moment in list(due.items()):
                if moment <= now:
                    await self._send(self._client_state(self.query, fragment_id=fragment))
                    self.fragment_runs += 1
                    due[fragment] = max(moment + self.fragments[fragment], now)
            if now >= until:
                return problems
            wake = min([until, *due.values()])
            try:
                item = await self._next_frame(max(wake - now, 0.0))
            except TimeoutError:
                continue
            if item is None:
                raise SessionClosed(f"closed while on the page: {self.closed_reason()}")
            arrived, data = item
            msg = ForwardMsg()
            msg.ParseFromString(data)
            problems += self._note(msg)
            if msg.WhichOneof("type") == "script_finished":
                self._run_over(msg.script_finished)
            if on_message is not None:
                on_message(msg, arrived)

    def _note(self, msg: ForwardMsg) -> list[str]:
        """Keep what the front end keeps from a message (session, page, cache); return what it shows as failures."""
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            new = msg.new_session
            if new.HasField("initialize") and new.initialize.session_id:
                self.session_id = new.initialize.session_id
            if new.config.max_cached_message_age:
                self.cache.max_age = new.config.max_cached_message_age
        elif kind == "navigation" and msg.navigation.page_script_hash:
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string  # the page set its own link (st.query_params)
        elif kind == "auto_rerun":
            self.fragments[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment in msg.stop_auto_rerun.fragment_ids:
                self.fragments.pop(fragment, None)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            shown = element.WhichOneof("type")
            if shown in WIDGETS:
                widget_id = getattr(element, shown).id
                # "$$ID-<hash>-<key>" for a widget with a key
                if widget_id.count("-") >= 2:
                    self.widget_ids[widget_id.split("-", 2)[2]] = widget_id
                    self.widget_kinds[widget_id.split("-", 2)[2]] = shown
                if shown == "component_instance":
                    script = json.loads(element.component_instance.json_args or "{}").get("script", "")
                    self.map_reports = "previous_data" not in script
        found = problems_in(msg)
        if not self.cache.receive(msg):
            found.append(f"server referred to a message this client never kept ({msg.ref_hash[:8]})")
        return found

    def _run_over(self, status: int) -> bool:
        """A full run is over unless it stopped early for another rerun (then the next run's finish counts).

        A fragment's run ends with a status of its own and counts neither as the end of a
        full run nor for the age of cached messages (keeping more hashes is always safe).
        """
        if status not in FULL_RUN_OVER:
            return False
        self.cache.run_finished()
        return True

    def closed_reason(self) -> str:
        """The close code the server sent, for the report of a dropped session."""
        ws = self._ws
        if ws is None or ws.close_code is None:
            return "connection lost"
        return f"code {ws.close_code} {ws.close_reason or ''}".strip()

    async def close(self) -> None:
        """Close the socket (as a tab closing does) and stop reading; never raises."""
        ws, reader = self._ws, self._reader
        # Closing a broken connection can fail in many ways; it is gone either way.
        if ws is not None:
            with suppress(Exception):
                await asyncio.wait_for(ws.close(), 5)
        if reader is not None:
            reader.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await reader


def describe(exc: BaseException) -> str:
    """A short, readable cause for a failed connection."""
    name, text = exc.__class__.__name__, str(exc)
    return f"{name}: {text}"[:200] if text else name
