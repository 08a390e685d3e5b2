"""`course audit --format sarif` is valid SARIF 2.1.0: checked against the OASIS schema kept in
tests/data (no network), with the jsonschema package that the pinned JupyterLab brings along."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema  # pinned in requirements.lock (JupyterLab needs it), so the tests need nothing new
import pytest

from course.audit import run_audit
from course.audit.report import as_sarif
from course.audit.report.sarif import LEVELS
from course.lessons.audit_demo import ALGORITHM_FROM_TOKEN, ARTICLE
from demo_server import ManualClock, create_app, serve_app

from .conftest import TEST_CONFIG

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reports():
    server = serve_app(create_app({**TEST_CONFIG, "CLOCK": ManualClock(), "INSECURE_DEMOS": True}))
    try:
        sides = [side for twin in (ARTICLE, ALGORITHM_FROM_TOKEN) for side in (twin.vulnerable, twin.fixed)]
        yield [run_audit(side.options(server.url)) for side in sides]
    finally:
        server.stop()


def test_the_schema_is_the_oasis_one():
    assert SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"


def test_every_report_validates_against_the_sarif_schema(reports):
    validator = jsonschema.Draft4Validator(SCHEMA)
    for report in reports:
        sarif = json.loads(as_sarif(report))
        problems = [f"{'/'.join(map(str, error.path))}: {error.message}" for error in validator.iter_errors(sarif)]
        assert not problems, problems[:5]


def test_the_schema_catches_a_broken_log(reports):
    """The validation is real: a log with a wrong level or no message fails it."""
    sarif = json.loads(as_sarif(reports[0]))
    sarif["runs"][0]["results"][0]["level"] = "critical"
    del sarif["runs"][0]["results"][1]["message"]
    assert len(list(jsonschema.Draft4Validator(SCHEMA).iter_errors(sarif))) == 2


def test_results_name_rules_levels_and_the_evidence(reports):
    article = json.loads(as_sarif(reports[0]))
    run = article["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert run["tool"]["driver"]["name"] == "course audit"
    results = {result["ruleId"]: result for result in run["results"]}
    forged = results["identity/forgeable"]
    assert forged["level"] == LEVELS[reports[0].findings[0].severity] == "error"
    assert run["tool"]["driver"]["rules"][forged["ruleIndex"]]["id"] == "identity/forgeable"
    assert "CWE-565" in rules["identity/forgeable"]["properties"]["tags"]
    assert "ASVS-v5.0.0-7.2.1" in rules["identity/forgeable"]["properties"]["tags"]
    assert ">>> GET /seed/api/profile HTTP/1.1" in forged["properties"]["evidence"]
    assert forged["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("/seed/api/profile")
    notes = [result for result in run["results"] if result["level"] == "none"]
    assert notes and all(result["kind"] == "informational" for result in notes)
    assert run["invocations"][0]["exitCode"] == 1
