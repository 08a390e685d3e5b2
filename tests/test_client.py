"""new_client(): a request to a stopped demo server is one line that says what to run, not a traceback."""

from __future__ import annotations

import nbformat
import pytest
import requests
from nbclient import NotebookClient

import demo_server
from course import new_client
from course.lessons.client import DemoServerStopped

STOPPED = "The demo server is stopped (Teardown ran). Run the Setup cell (## Setup) to start it again."


def test_a_request_after_stop_says_the_server_is_stopped():
    demo_server.stop()
    server = demo_server.start()
    client = new_client()
    assert client.get(f"{server.url}/health").status_code == 200
    server.stop()
    with pytest.raises(DemoServerStopped) as stopped:
        client.get(f"{server.url}/health")
    assert str(stopped.value) == STOPPED
    assert isinstance(stopped.value, requests.ConnectionError), "code that catches ConnectionError still does"
    assert stopped.value.__cause__ is None and stopped.value.__suppress_context__


def test_a_stale_url_names_the_running_server():
    demo_server.stop()
    old = demo_server.start()
    new = demo_server.start(SECRET_KEY=b"k" * 32)  # new settings: a restart on another port
    try:
        with pytest.raises(DemoServerStopped, match=f"the demo server runs at {new.url} now"):
            new_client().get(f"{old.url}/health")
    finally:
        new.stop()


def test_other_addresses_keep_their_own_error():
    with pytest.raises(requests.ConnectionError) as error:
        new_client().get("http://127.0.0.2:9/", timeout=2)  # loopback, but not where demo servers listen
    assert not isinstance(error.value, DemoServerStopped)


def test_ipython_shows_one_line():
    assert DemoServerStopped(STOPPED)._render_traceback_() == [f"\x1b[0;31mDemoServerStopped\x1b[0m: {STOPPED}"]


@pytest.mark.slow
def test_a_notebook_cell_after_teardown_shows_one_line():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import demo_server\nfrom course import new_client\nserver = demo_server.start()"),
        nbformat.v4.new_code_cell("server.stop()"),
        nbformat.v4.new_code_cell('new_client().get(f"{server.url}/health")'),
    ]
    NotebookClient(notebook, timeout=60, kernel_name="python3", allow_errors=True).execute()
    (error,) = notebook.cells[2].outputs
    assert error.output_type == "error" and error.ename == "DemoServerStopped"
    assert error.traceback == [f"\x1b[0;31mDemoServerStopped\x1b[0m: {STOPPED}"], "one line, no urllib3 traceback"
