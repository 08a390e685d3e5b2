"""Playwright's synchronous API, usable from a notebook cell.

Jupyter runs every cell inside a running asyncio event loop, and Playwright's
sync API refuses to run there ("use the Async API instead"). So Playwright
lives on a thread of its own (``PlaywrightThread``), and the objects it makes
reach the notebook wrapped in ``Remote``: every attribute read and method call
on one is run on that thread and waits for the answer. The methods are
Playwright's own (``page.goto``, ``page.fill``, ``context.cookies()``,
``with page.expect_navigation(): ...``), so its documentation applies as is.
"""

from __future__ import annotations

import inspect
import queue
import re
import threading
from concurrent.futures import Future
from typing import Any, Callable

from playwright._impl._sync_base import EventContextManager, EventInfo, SyncBase
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from demo_server.one_line_error import OneLineError

_STOP = object()
# Playwright's message for a navigation nobody answered: "net::ERR_CONNECTION_REFUSED at http://...".
REFUSED = re.compile(r"net::ERR_CONNECTION_REFUSED at (https?://[^/\s]+)")
PLAYWRIGHT_TYPES = (SyncBase, EventContextManager, EventInfo)


class BrowserClosed(OneLineError, RuntimeError):
    """The browser this object belonged to was closed (Teardown ran, or the kernel restarted)."""


class NothingAnswers(OneLineError, RuntimeError):
    """The browser found no server at the address (a demo server that was stopped)."""


AGAIN = "run the Setup cell, then this step again"
CLOSED_MESSAGE = f"this browser window was closed (Teardown, or a new Setup): {AGAIN}"
REFUSED_MESSAGE = "nothing answers at {url} (was it stopped by the Teardown cell?): " + AGAIN


class PlaywrightThread:
    """One thread that owns a Playwright instance and runs every call made on its objects."""

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="playwright", daemon=True)
        self._started: Future = Future()
        self._thread.start()
        self.playwright = self._started.result()  # raises what starting Playwright raised

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def call(self, function: Callable, *args: Any, **kwargs: Any) -> Any:
        """Run ``function`` on the Playwright thread and return (or raise) what it did."""
        if threading.current_thread() is self._thread:
            return function(*args, **kwargs)
        if not self._thread.is_alive():
            raise BrowserClosed(CLOSED_MESSAGE)
        done: Future = Future()
        self._calls.put((function, args, kwargs, done))
        return done.result()

    def stop(self) -> None:
        """Stop Playwright (closing every browser it launched) and end the thread."""
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._calls.put(_STOP)
            self._thread.join(timeout=30)

    def _serve(self) -> None:
        try:
            manager = sync_playwright()
            playwright = manager.start()
        except BaseException as error:  # noqa: B036 (handed to the caller, who raises it)
            self._started.set_exception(error)
            return
        self._started.set_result(Remote(playwright, self))
        try:
            while True:
                item = self._calls.get()
                if item is _STOP:
                    break
                function, args, kwargs, done = item
                try:
                    done.set_result(function(*args, **kwargs))
                except BaseException as error:  # noqa: B036 (re-raised in the caller's thread)
                    done.set_exception(error)
        finally:
            try:
                manager.__exit__(None, None, None)
            except Exception:  # the driver may already be gone at interpreter exit
                pass


class Remote:
    """A Playwright object that lives on the Playwright thread; using it runs code there."""

    __slots__ = ("_target", "_owner")

    def __init__(self, target: Any, owner: PlaywrightThread) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_owner", owner)

    def __getattr__(self, name: str) -> Any:
        value = self._run(getattr, self._target, name)
        if callable(value) and not isinstance(value, PLAYWRIGHT_TYPES):
            return RemoteMethod(value, self._owner)
        return value  # already wrapped by _run

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self._target).__name__} attributes are read-only here")

    def __enter__(self) -> Any:
        return self._run(type(self._target).__enter__, self._target)

    def __exit__(self, *exc_info: Any) -> Any:
        return self._run(type(self._target).__exit__, self._target, *exc_info)

    def __repr__(self) -> str:
        return self._owner.call(repr, self._target) if self._owner.alive else f"<closed {type(self._target).__name__}>"

    def __dir__(self) -> list[str]:
        # Tab completion in a notebook lists Playwright's own methods.
        return dir(self._target)

    def _run(self, function: Callable, *args: Any) -> Any:
        return wrap(_call_translating_closed(self._owner, function, *args), self._owner)


class RemoteMethod:
    """A method of a Playwright object; calling it runs it on the Playwright thread."""

    __slots__ = ("_method", "_owner")

    def __init__(self, method: Callable, owner: PlaywrightThread) -> None:
        self._method = method
        self._owner = owner

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args = tuple(unwrap(arg, self._owner) for arg in args)
        kwargs = {key: unwrap(value, self._owner) for key, value in kwargs.items()}
        return wrap(_call_translating_closed(self._owner, self._method, *args, **kwargs), self._owner)

    def __repr__(self) -> str:
        return f"<remote {getattr(self._method, '__qualname__', 'method')}>"

    # `tab.goto?` in a notebook shows Playwright's own documentation and signature.
    @property
    def __doc__(self) -> str | None:  # type: ignore[override]
        return self._method.__doc__

    @property
    def __signature__(self) -> inspect.Signature:
        return inspect.signature(self._method)


def wrap(value: Any, owner: PlaywrightThread) -> Any:
    """Playwright objects (also inside lists, tuples and dicts) wrapped in Remote."""
    if isinstance(value, PLAYWRIGHT_TYPES):
        return Remote(value, owner)
    if isinstance(value, list):
        return [wrap(item, owner) for item in value]
    if isinstance(value, tuple):
        return tuple(wrap(item, owner) for item in value)
    if isinstance(value, dict):
        return {key: wrap(item, owner) for key, item in value.items()}
    return value


def unwrap(value: Any, owner: PlaywrightThread) -> Any:
    """What Playwright itself must receive: the real objects, and handlers that get wrapped ones."""
    if isinstance(value, Remote):
        return object.__getattribute__(value, "_target")
    if isinstance(value, list):
        return [unwrap(item, owner) for item in value]
    if isinstance(value, tuple):
        return tuple(unwrap(item, owner) for item in value)
    if isinstance(value, dict):
        return {key: unwrap(item, owner) for key, item in value.items()}
    if callable(value) and not isinstance(value, (type, RemoteMethod)):
        # An event handler (page.on("request", handler)) runs on the Playwright thread;
        # what it receives is wrapped, so it may keep it and use it from a cell later.
        def handler(*args: Any) -> Any:
            return value(*(wrap(arg, owner) for arg in args))

        return handler
    return value


def _call_translating_closed(owner: PlaywrightThread, function: Callable, *args: Any, **kwargs: Any) -> Any:
    try:
        return owner.call(function, *args, **kwargs)
    except PlaywrightError as error:
        message = str(error)
        if "has been closed" in message or "Connection closed" in message:
            raise BrowserClosed(CLOSED_MESSAGE) from None
        refused = REFUSED.search(message)
        if refused:
            raise NothingAnswers(REFUSED_MESSAGE.format(url=refused.group(1))) from None
        raise
