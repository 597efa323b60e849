"""A minimal client of Streamlit's websocket protocol: a page visit without a browser.

One `visit` does what the browser frontend does on a first visit (Streamlit 1.67, Starlette server):

1. GET /_stcore/health, as the frontend pings the server before it connects; the answer sets the
   `_streamlit_xsrf` cookie (XSRF protection is on by default).
2. Open ws://HOST:PORT/_stcore/stream with the subprotocols ["streamlit", <the cookie's value>],
   the cookie and an Origin header of the app's own address, exactly as the frontend's
   `new WebSocket(url, ["streamlit", xsrfToken])`. The server selects the first entry and checks
   the second against the cookie (it only gates reading auth cookies; a connection without it is
   accepted too, but this one is the browser's).
3. Send one BackMsg `rerun_script` = ClientState(query_string, page_script_hash="",
   page_name=<url path>, context_info): on a first visit the frontend knows no page hash, and
   sends the url path relative to the app's base (e.g. "quadratic_regression", "" for home);
   the server's PagesManager resolves it against each page's `url_pathname`. No
   `cached_message_hashes`, so the server sends every message in full (no `ref_hash` stubs).
4. Read ForwardMsgs until the `script_finished` that ends the run: FINISHED_EARLY_FOR_RERUN
   (an `st.rerun()`, e.g. ui/navigation.py's rerun through the entry point on a fresh server) is
   not the end, a new run follows in the same session.

Every exception element (and a compile error's session event), every alert's body and every
progress bar's text is recorded, with how many messages and bytes arrived. `leave_after` closes
the socket mid-run, as a tab that is closed. Many visits run concurrently from one asyncio loop
(`visit_many`); `visits` is a sync wrapper.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import statistics
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

XSRF_COOKIE = "_streamlit_xsrf"
NO_TOKEN = "PLACEHOLDER_AUTH_TOKEN"  # what the frontend sends when it has no token


@dataclass
class Visit:
    page: str
    query: str
    seconds: float | None = None  # from the first request to the run's script_finished
    connect_seconds: float | None = None  # until the websocket was open
    finished: bool = False  # script_finished FINISHED_SUCCESSFULLY
    status: str = "not started"  # finished | compile error | left | closed | timeout | error: ...
    runs: int = 0  # new_session messages: script runs started (2 when the script reran itself)
    exceptions: list[tuple[str, str]] = field(default_factory=list)  # (type: message, stack trace)
    alerts: list[str] = field(default_factory=list)  # bodies of success/warning/error/info, in order
    progress: list[str] = field(default_factory=list)  # texts of progress bars, in order
    page_not_found: str | None = None
    messages: int = 0
    bytes: int = 0
    ref_hashes: int = 0  # cached-message stubs (none expected: no cached hashes are sent)

    @property
    def ok(self) -> bool:
        return self.finished and not self.exceptions and self.page_not_found is None


def _ws_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"


async def xsrf_cookie(base_url: str, timeout: float = 30.0) -> str | None:
    """GET /_stcore/health as the frontend does and return the `_streamlit_xsrf` cookie it sets."""
    parts = urlsplit(base_url)
    host, port = parts.hostname, parts.port or 80
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(f"GET {parts.path.rstrip('/')}/_stcore/health HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                     f"Connection: close\r\n\r\n".encode())
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    finally:
        writer.close()
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "set-cookie":
            cookie = SimpleCookie(value.strip())
            if XSRF_COOKIE in cookie:
                return cookie[XSRF_COOKIE].value
    return None


def rerun_message(base_url: str, page: str, query: str) -> bytes:
    """The BackMsg a browser sends on a first visit to /<page>?<query>."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query
    state.page_script_hash = ""
    state.page_name = page
    info = state.context_info
    info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
    info.url = f"{base_url.rstrip('/')}/{page}" + (f"?{query}" if query else "")
    info.is_embedded, info.color_scheme = False, "light"
    return msg.SerializeToString()


def _record_element(result: Visit, element) -> None:
    kind = element.WhichOneof("type")
    if kind == "exception":
        exc = element.exception
        result.exceptions.append((f"{exc.type}: {exc.message}", "\n".join(exc.stack_trace)))
    elif kind == "alert":
        result.alerts.append(element.alert.body)
    elif kind == "progress":
        result.progress.append(element.progress.text)


async def visit(base_url: str, page: str, query: str = "", *, timeout: float = 600.0,
                leave_after: float | None = None) -> Visit:
    """Visit /<page>?<query> as a new browser tab does and follow the run to its script_finished.

    `leave_after` (seconds from the start): close the socket then if the run has not finished
    (status "left"). Never raises for a failed visit: `status` says what happened.
    """
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    result = Visit(page, query)
    started = time.monotonic()
    deadline = started + timeout
    leave_at = started + leave_after if leave_after is not None else None
    try:
        token = await xsrf_cookie(base_url, timeout)
        headers = {"Cookie": f"{XSRF_COOKIE}={token}"} if token else {}
        parts = urlsplit(base_url)
        async with websockets.connect(
                _ws_url(base_url), subprotocols=["streamlit", token or NO_TOKEN],
                origin=f"{parts.scheme}://{parts.netloc}", additional_headers=headers, max_size=None, proxy=None,
                ping_interval=None, open_timeout=max(1.0, deadline - time.monotonic()), close_timeout=2) as socket:
            result.connect_seconds = time.monotonic() - started
            await socket.send(rerun_message(base_url, page, query))
            result.status = "running"
            while True:
                now = time.monotonic()
                end = min(deadline, leave_at) if leave_at is not None else deadline
                if now >= end:
                    result.status = "left" if leave_at is not None and now >= leave_at else "timeout"
                    break
                try:
                    data = await asyncio.wait_for(socket.recv(), end - now)
                except asyncio.TimeoutError:
                    continue  # the loop's top says which deadline passed
                msg = ForwardMsg()
                msg.ParseFromString(data)
                result.messages += 1
                result.bytes += len(data)
                kind = msg.WhichOneof("type")
                if kind == "new_session":
                    result.runs += 1
                elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    _record_element(result, msg.delta.new_element)
                elif kind == "ref_hash":
                    result.ref_hashes += 1
                elif kind == "page_not_found":
                    result.page_not_found = msg.page_not_found.page_name or page
                elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
                    exc = msg.session_event.script_compilation_exception
                    result.exceptions.append((f"{exc.type}: {exc.message}", "\n".join(exc.stack_trace)))
                elif kind == "script_finished":
                    if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue  # st.rerun(): the next run follows in this session
                    result.seconds = time.monotonic() - started
                    result.finished = msg.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY,
                                                              ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
                    result.status = "finished" if result.finished else "compile error"
                    break
    except websockets.ConnectionClosed as closed:
        result.status = f"closed by the server ({closed})"
    except (OSError, asyncio.TimeoutError, websockets.InvalidHandshake) as error:
        result.status = f"error: {type(error).__name__}: {error}"
    return result


async def visit_many(base_url: str, page: str, query: str = "", n: int = 1, **kwargs) -> list[Visit]:
    """`n` first visits of the same link, all opened at once."""
    return list(await asyncio.gather(*(visit(base_url, page, query, **kwargs) for _ in range(n))))


def run_sync(make_coroutine):
    """Run the coroutine `make_coroutine()` makes to its end, from sync code. Where this thread already
    runs an event loop (Playwright's sync API keeps one in the test process), on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(lambda: asyncio.run(make_coroutine())).result()


def visits(base_url: str, page: str, query: str = "", n: int = 1, **kwargs) -> list[Visit]:
    """Sync wrapper of `visit_many` (tests, scripts)."""
    return run_sync(lambda: visit_many(base_url, page, query, n, **kwargs))


def summary(results: list[Visit]) -> str:
    done = [r.seconds for r in results if r.finished]
    times = f"max {max(done):.2f} s, median {statistics.median(done):.2f} s" if done else "none finished"
    return (f"{sum(r.finished for r in results)}/{len(results)} finished, {times}, "
            f"{sum(len(r.exceptions) for r in results)} exceptions")


# --- a tab kept open: clicks and fragment timers ---------------------------------------------------

@dataclass
class Run:
    """What one script run (the whole page, or one fragment) sent: its end and its elements."""
    seconds: float  # from the BackMsg to its script_finished
    finished_at: float  # time.monotonic() at its script_finished
    fragment: str | None  # the fragment that ran, None for the whole page
    texts: list[str] = field(default_factory=list)  # markdown and alert bodies, in order
    charts: list[list[dict]] = field(default_factory=list)  # each Vega-Lite chart's rows (its named datasets)
    exceptions: list[str] = field(default_factory=list)
    ok: bool = False


class LiveSession:
    """One browser tab held open on Streamlit's websocket, driven as a person (and the frontend's
    timers) would: `open` the page, `click` a button or `toggle` a switch by its label, and `tick`
    the `st.fragment(run_every=...)` timers the server asked for (the frontend runs them; here they
    run when called). Every BackMsg carries the widget states this tab holds, as the frontend's do.
    """

    def __init__(self, base_url: str, page: str = "", query: str = "") -> None:
        self.base_url, self.page, self.query = base_url, page, query
        self.socket = None
        self.buttons: dict[str, tuple[str, str]] = {}  # label -> (widget id, fragment id or "")
        self.toggles: dict[str, str] = {}  # label -> widget id
        self.widgets: dict[str, bool] = {}  # widget id -> the value this tab holds (toggles)
        self.timers: dict[str, float] = {}  # fragment id -> run_every seconds

    async def open(self, timeout: float = 120.0) -> Run:
        import websockets

        token = await xsrf_cookie(self.base_url, timeout)
        parts = urlsplit(self.base_url)
        self.socket = await websockets.connect(
            _ws_url(self.base_url), subprotocols=["streamlit", token or NO_TOKEN],
            origin=f"{parts.scheme}://{parts.netloc}",
            additional_headers={"Cookie": f"{XSRF_COOKIE}={token}"} if token else {}, max_size=None, proxy=None,
            ping_interval=None, open_timeout=timeout, close_timeout=2)
        return await self._rerun(None, None, timeout)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def click(self, label: str, timeout: float = 60.0) -> Run:
        """Press the button whose label starts with `label`."""
        widget, fragment = next(v for k, v in self.buttons.items() if k.startswith(label))
        return await self._rerun((widget, "trigger"), fragment or None, timeout)

    async def toggle(self, label: str, value: bool = True, timeout: float = 60.0) -> Run:
        widget = next(v for k, v in self.toggles.items() if k.startswith(label))
        self.widgets[widget] = value
        return await self._rerun(None, None, timeout)

    async def tick(self, fragment: str, timeout: float = 60.0) -> Run:
        """The frontend's timer of a `run_every` fragment fired."""
        return await self._rerun(None, fragment, timeout, auto=True)

    def _message(self, trigger: str | None, fragment: str | None, auto: bool) -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg.FromString(rerun_message(self.base_url, self.page, self.query))
        state = msg.rerun_script
        for widget, value in self.widgets.items():
            entry = state.widget_states.widgets.add()
            entry.id, entry.bool_value = widget, value
        if trigger is not None:
            entry = state.widget_states.widgets.add()
            entry.id, entry.trigger_value = trigger, True
        if fragment:
            state.fragment_id = fragment
        state.is_auto_rerun = auto
        return msg.SerializeToString()

    async def _rerun(self, trigger: tuple[str, str] | None, fragment: str | None, timeout: float,
                     auto: bool = False) -> Run:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        started = time.monotonic()
        await self.socket.send(self._message(trigger[0] if trigger else None, fragment, auto))
        run = Run(0.0, 0.0, fragment)
        while True:
            data = await asyncio.wait_for(self.socket.recv(), max(0.1, started + timeout - time.monotonic()))
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "auto_rerun":
                self.timers[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._read(run, msg.delta.new_element, msg.delta.fragment_id)
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                run.finished_at = time.monotonic()
                run.seconds = run.finished_at - started
                run.ok = msg.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY,
                                                 ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
                return run

    def _read(self, run: Run, element, fragment: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "markdown":
            run.texts.append(element.markdown.body)
        elif kind == "alert":
            run.texts.append(element.alert.body)
        elif kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "button":
            self.buttons[element.button.label] = (element.button.id, fragment)
        elif kind == "checkbox":
            self.toggles[element.checkbox.label] = element.checkbox.id
            self.widgets.setdefault(element.checkbox.id, element.checkbox.default)
        elif kind == "vega_lite_chart":
            import pyarrow as pa

            rows = []
            for dataset in element.vega_lite_chart.datasets:
                rows += pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()
            run.charts.append(rows)
