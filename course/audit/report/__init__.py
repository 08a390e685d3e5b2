"""The audit's report in three forms: text for people, JSON for scripts, SARIF 2.1.0 for CI dashboards."""

from __future__ import annotations

from course.audit.report.json_report import as_json
from course.audit.report.sarif import as_sarif
from course.audit.report.text import as_text

FORMATS = ("text", "json", "sarif")

__all__ = ["FORMATS", "as_json", "as_sarif", "as_text"]
