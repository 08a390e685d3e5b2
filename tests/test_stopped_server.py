"""After Teardown, a lesson cell that sends a request says what to do instead of showing a traceback."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

import demo_server
from course.lessons.stopped_server import MESSAGE, explain_when_stopped

from .conftest import TEST_CONFIG


@pytest.fixture
def shell():
    instance = InteractiveShell.instance()
    yield instance
    instance.set_custom_exc((), None)
    InteractiveShell.clear_instance()


def test_outside_ipython_it_does_nothing():
    assert explain_when_stopped(object()) is False


def test_a_request_to_a_stopped_server_prints_one_line(shell, capsys):
    server = demo_server.serve_app(demo_server.create_app(TEST_CONFIG))
    shell.user_ns["server"] = server
    assert shell.run_cell(
        "from course.lessons.stopped_server import explain_when_stopped\nexplain_when_stopped(server)"
    ).success
    server.stop()
    result = shell.run_cell("import requests\nrequests.get(server.url + '/health', timeout=2)")
    captured = capsys.readouterr()
    assert not result.success
    assert MESSAGE in captured.err and "Traceback" not in captured.out + captured.err


def test_while_the_server_runs_the_traceback_is_shown(shell, capsys):
    server = demo_server.serve_app(demo_server.create_app(TEST_CONFIG))
    try:
        shell.user_ns["server"] = server
        shell.run_cell("from course.lessons.stopped_server import explain_when_stopped\nexplain_when_stopped(server)")
        shell.run_cell("import requests\nrequests.get('http://127.0.0.1:1/', timeout=2)")  # nothing listens on port 1
        captured = capsys.readouterr()
        assert MESSAGE not in captured.err and "ConnectionError" in captured.out + captured.err
    finally:
        server.stop()
