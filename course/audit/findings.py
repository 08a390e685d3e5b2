"""What an audit reports: findings (with severity, standard ids, evidence and a fix), passes and skips."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

from course.audit.lessons import LessonStep
from demo_server import asvs


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NOTE = "note"  # worth knowing, never a failure (e.g. what changes once the app is on https)

    @property
    def rank(self) -> int:
        return {"high": 3, "medium": 2, "low": 1, "note": 0}[self.value]

    def at_least(self, threshold: Severity) -> bool:
        return self.rank >= threshold.rank


@dataclass(frozen=True)
class Fix:
    """One line of advice and the lesson step that teaches it."""

    text: str
    lesson: LessonStep

    def as_dict(self) -> dict:
        return {"text": self.text, "lesson": self.lesson.as_dict()}


@dataclass(frozen=True)
class Finding:
    id: str  # stable across runs and versions, e.g. "cookie/no-httponly"
    severity: Severity
    title: str  # one line, says what is wrong
    asvs: str  # the ASVS 5.0.0 requirement it fails, versioned: "v5.0.0-3.3.4"
    cwe: str | None  # e.g. "CWE-1004"
    route: str  # the path the finding is about, e.g. "/login"
    detail: str  # what it means, in a sentence or two
    evidence: tuple[str, ...]  # the exact request and response lines that show it
    fix: Fix
    production: str = ""  # for notes about plain http on loopback: what changes in production

    def __post_init__(self) -> None:
        if not (isinstance(self.asvs, str) and asvs.CITATION.fullmatch(self.asvs)):
            raise ValueError(f"an ASVS 5.0.0 requirement is written like 'v5.0.0-15.4.1', not {self.asvs!r}")
        asvs.title(self.asvs)  # a KeyError names an id that demo_server/asvs.py does not list

    @property
    def asvs_title(self) -> str:
        return asvs.title(self.asvs)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["asvs_title"] = self.asvs_title
        data["evidence"] = list(self.evidence)
        data["fix"] = self.fix.as_dict()
        return data


@dataclass
class ProbeOutcome:
    """What one probe family found: findings, the checks that held, and what it could not test."""

    findings: list[Finding] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, finding: Finding | None) -> None:
        if finding is not None:
            self.findings.append(finding)
