"""create_app: a factory in the Flask tutorial's style."""

from __future__ import annotations

import subprocess
import sys

import pytest

from demo_server import ManualClock, context, create_app
from demo_server.vulnerable.labels import label_of


def test_importing_the_package_starts_nothing():
    probe = (
        "import threading, demo_server, course; assert demo_server.current() is None; print(threading.active_count())"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "1", "importing started a thread"


def test_each_app_gets_its_own_random_secret_key():
    assert create_app().secret_key != create_app().secret_key
    assert len(create_app().secret_key) >= 32


def test_config_overrides_defaults():
    clock = ManualClock(start=1000)
    app = create_app({"SECRET_KEY": b"k" * 32, "CLOCK": clock})
    assert app.secret_key == b"k" * 32
    assert app.extensions[context.CLOCK] is clock


def test_config_keys_must_be_strings():
    with pytest.raises(TypeError, match="config keys must be strings"):
        create_app({1: "x"})


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_index_lists_routes(client):
    paths = [route["path"] for route in client.get("/").json["routes"]]
    assert "/health" in paths and "/echo" in paths


def test_echo_shows_what_the_server_received(client):
    client.set_cookie("flavour", "oat")
    response = client.post("/echo?x=1", json={"a": 1}, headers={"X-Demo": "yes"})
    echoed = response.json
    assert echoed["method"] == "POST"
    assert echoed["path"] == "/echo"
    assert echoed["query"] == {"x": "1"}
    assert echoed["headers"]["X-Demo"] == "yes"
    assert echoed["cookies"] == {"flavour": "oat"}
    assert echoed["body"] == '{"a": 1}'


def test_hello_forgets_without_a_cookie_and_remembers_with_one(client):
    assert "stranger" in client.get("/hello").json["message"]
    response = client.get("/remember?name=Ada")
    assert response.headers["Set-Cookie"] == "name=Ada; HttpOnly; Path=/; SameSite=Lax"
    assert client.get("/hello").json["message"] == "Welcome back, Ada!"


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "tell me your name"), ("?name=" + "a" * 41, "a name is 1 to 40"), ("?name=<script>", "a name is 1 to 40")],
)
def test_remember_rejects_bad_names(client, query, message):
    response = client.get("/remember" + query)
    assert response.status_code == 400
    assert message in response.json["error"]


def test_insecure_routes_exist_only_when_asked_for(app, insecure_app):
    def labelled(some_app):
        return {rule.rule for rule in some_app.url_map.iter_rules() if label_of(some_app.view_functions[rule.endpoint])}

    assert labelled(app) == set()
    assert app.test_client().get("/insecure").json == {"enabled": False, "asvs_version": "5.0.0", "routes": []}
    assert insecure_app.test_client().get("/insecure").json["enabled"] is True


def test_every_insecure_route_is_labelled_and_has_a_fixed_twin(insecure_app):
    from demo_server.vulnerable import insecure_blueprints

    insecure_names = {bp.name for bp in insecure_blueprints()}
    rules = {rule.rule for rule in insecure_app.url_map.iter_rules()}
    for rule in insecure_app.url_map.iter_rules():
        if rule.endpoint.partition(".")[0] not in insecure_names:
            continue
        label = label_of(insecure_app.view_functions[rule.endpoint])
        assert label is not None, f"{rule.rule} is in an insecure blueprint but says nothing about its flaw"
        assert label.cwe and all(cwe.startswith("CWE-") for cwe in label.cwe), f"{rule.rule}: label needs a CWE id"
        assert label.fixed_twin in rules, f"{rule.rule}: its fixed twin {label.fixed_twin} is not a route"
        assert label.fixed_twin not in {
            r.rule for r in insecure_app.url_map.iter_rules() if r.endpoint.partition(".")[0] in insecure_names
        }


def test_urls_are_built_as_before_though_their_builders_are_written_on_first_use(insecure_app):
    # demo_server/web/url_rules.py: the same URLs as werkzeug's own rules build, for every route.
    from flask import url_for
    from werkzeug.routing import Map, Rule

    plain = Map([Rule(rule.rule, endpoint=rule.endpoint) for rule in insecure_app.url_map.iter_rules()])
    plain_urls = plain.bind("demo")
    with insecure_app.test_request_context():
        for rule in insecure_app.url_map.iter_rules():
            values = {argument: "a b/é" for argument in rule.arguments}
            expected = plain_urls.build(rule.endpoint, {**values, "next": "/x?y"})
            assert url_for(rule.endpoint, **values, next="/x?y") == expected
            assert url_for(rule.endpoint, **values) == plain_urls.build(rule.endpoint, values)


def test_a_second_apps_rules_reuse_the_parse_and_match_as_werkzeugs_own(insecure_app, clock):
    # demo_server/web/url_rules.py keeps each rule's parse for the next app: the parts, the
    # variables and their converters are those a plain werkzeug Rule gets, the converters bound
    # to the new app's own map.
    from werkzeug.routing import Map, Rule

    second = create_app({"CLOCK": clock, "INSECURE_DEMOS": True})
    plain = Map(
        [Rule(rule.rule, endpoint=rule.endpoint, methods=rule.methods) for rule in insecure_app.url_map.iter_rules()]
    )
    plain_rules = {rule.rule: rule for rule in plain.iter_rules()}
    for rule in second.url_map.iter_rules():
        expected = plain_rules[rule.rule]
        assert rule._parts == expected._parts and rule._trace == expected._trace, rule.rule
        assert rule.arguments == expected.arguments, rule.rule
        for name, converter in rule._converters.items():
            twin = expected._converters[name]
            assert type(converter) is type(twin) and converter.regex == twin.regex, rule.rule
            assert converter.map is second.url_map, f"{rule.rule}: a converter of another app's map"
    adapter, plain_adapter = second.url_map.bind("demo"), plain.bind("demo")
    for rule in second.url_map.iter_rules():
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        path = plain_adapter.build(rule.endpoint, {argument: "7" for argument in rule.arguments}, method=method)
        assert adapter.match(path, method=method) == plain_adapter.match(path, method=method), path


def test_the_first_app_of_a_process_and_the_next_build_and_match_as_werkzeugs_own(monkeypatch, clock):
    # A rule that parses its text itself (the first app of a process) keeps no builder either.
    from flask import url_for
    from werkzeug.routing import Map, Rule

    from demo_server.web import url_rules

    monkeypatch.setattr(url_rules, "_parsed", {})
    for app in (create_app({"CLOCK": clock}), create_app({"CLOCK": clock})):
        plain = Map([Rule(rule.rule, endpoint=rule.endpoint) for rule in app.url_map.iter_rules()]).bind("demo")
        with app.test_request_context():
            for rule in app.url_map.iter_rules():
                assert "_build" not in vars(rule), f"{rule.rule}: a builder written before its first use"
                values = {argument: "a b/é" for argument in rule.arguments}
                expected = plain.build(rule.endpoint, {**values, "next": "/x?y"})
                assert url_for(rule.endpoint, **values, next="/x?y") == expected
    assert url_rules._parsed, "the first app's parse was not kept"


def test_the_apps_folders_are_flasks_own():
    # create_app looks them up once per process (demo_server.app._flask_folders).
    from flask import Flask

    probe = Flask("demo_server", static_folder=None)
    app = create_app()
    assert (app.root_path, app.instance_path) == (probe.root_path, probe.instance_path)


def test_the_server_has_no_static_files_route(app):
    assert all(rule.endpoint != "static" for rule in app.url_map.iter_rules())
