"""Session ID quality, from many logins: unique, long, random-looking, no sequence, no timestamp.

Lesson 03's "how random is random enough?" measured from outside. A black box can only show
what is *wrong*: IDs that repeat, count up, contain the time, or vary in too few places. A
hash of a counter looks random from here; the server must still use ``secrets``.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

from course.audit import lessons
from course.audit.context import AuditContext
from course.audit.findings import Finding, Fix, ProbeOutcome, Severity
from course.audit.target import server_time

NAME = "session IDs"
STRONG_BITS = 128  # ASVS v5.0.0-7.2.3 and OWASP: at least 128 bits of entropy
WEAK_BITS = 64
SEQUENCE_STEP = 1000  # consecutive numbers this close are a counter, not chance
TIME_WINDOW_SECONDS = 2 * 86400
ALPHABETS = [
    ("decimal digits", set("0123456789")),
    ("hex digits", set("0123456789abcdef")),
    ("hex digits", set("0123456789ABCDEF")),
    ("letters and digits", set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")),
    ("base64url", set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_")),
    ("base64", set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/=")),
]


@dataclass(frozen=True)
class IdAnalysis:
    samples: tuple[str, ...]
    alphabet: str
    bits_per_character: float
    estimated_bits: float
    duplicates: int
    sequence: bool
    time_derived: bool

    def summary(self) -> str:
        lengths = sorted({len(sample) for sample in self.samples})
        length = f"{lengths[0]}" if len(lengths) == 1 else f"{lengths[0]} to {lengths[-1]}"
        return (
            f"{len(self.samples)} IDs, {length} characters of {self.alphabet}, "
            f"about {self.estimated_bits:.0f} bits where they vary"
        )


def analyse(samples: list[str], times: list[float]) -> IdAnalysis:
    """What can be seen in these session IDs (``times``: when each was issued, Unix time).

    Positions that never change (a prefix, the dashes of a UUID) carry no entropy, so only the
    varying positions count, at the bits per character of the smallest alphabet they use.
    """
    if len({len(sample) for sample in samples}) == 1 and len(samples) > 1:
        varying = [i for i in range(len(samples[0])) if len({sample[i] for sample in samples}) > 1]
        used = "".join(sample[i] for sample in samples for i in varying)
        count = len(varying)
    else:
        used, count = "".join(samples), min(len(sample) for sample in samples)
    alphabet, alphabet_size = _alphabet(used)
    bits = math.log2(alphabet_size)
    return IdAnalysis(
        samples=tuple(samples),
        alphabet=alphabet,
        bits_per_character=bits,
        estimated_bits=count * bits,
        duplicates=len(samples) - len(set(samples)),
        sequence=_counts_up(samples),
        time_derived=_contains_the_time(samples, times),
    )


def run(ctx: AuditContext) -> ProbeOutcome:
    outcome = ProbeOutcome()
    if ctx.session_value.kind != "reference":
        outcome.skipped.append(
            f"session IDs: the session is not an ID but {ctx.session_value.label} (see other probes)"
        )
        return outcome
    samples, times = [ctx.credential.value], [server_time(ctx.setup.answer.response) or time.time()]
    last = ctx.setup.answer
    for _ in range(ctx.options.id_samples):
        credential, answer = ctx.fresh_session()
        if credential is None:
            break
        samples.append(credential.value)
        times.append(server_time(answer.response) or time.time())
        last = answer
    if len(samples) < 3:
        outcome.skipped.append("session IDs: fewer than 3 logins gave a session, too few to compare")
        return outcome
    result = analyse(samples, times)
    where = ctx.credential.where
    evidence = tuple(
        [f"# {where} after {len(samples)} logins, in order:"]
        + [f"    {sample}" for sample in samples]
        + ctx.evidence.of(last.response, "the last of those logins", body=False)
    )

    def finding(*, id, severity, title, detail, cwe="CWE-330"):
        outcome.add(
            Finding(
                id=id,
                severity=severity,
                title=title,
                asvs="v5.0.0-7.2.3",
                cwe=cwe,
                route=ctx.options.login,
                detail=detail,
                evidence=evidence,
                fix=Fix(
                    "Make session IDs with secrets.token_urlsafe(32) (256 bits from the OS's random source).",
                    lessons.RANDOM_ENOUGH,
                ),
            )
        )

    if result.duplicates:
        finding(
            id="ids/repeated",
            severity=Severity.HIGH,
            title=f"Session IDs repeat: {result.duplicates} of {len(samples)} logins got an ID already issued",
            detail="Two logins sharing an ID share a session: one user is logged in as the other.",
        )
    if result.sequence:
        finding(
            id="ids/sequential",
            severity=Severity.HIGH,
            title="Session IDs count up: each login's ID follows the last one",
            detail="Whoever has one ID can compute the next and the previous ones, and take those sessions.",
            cwe="CWE-340",  # predictable identifiers: the next one is known, whatever the randomness elsewhere
        )
    if result.time_derived:
        finding(
            id="ids/time-derived",
            severity=Severity.HIGH,
            title="Session IDs contain the time they were issued",
            detail="The time of a login is easy to guess to the second, so the IDs of other logins are too.",
        )
    if result.estimated_bits < STRONG_BITS:
        severity = Severity.HIGH if result.estimated_bits < WEAK_BITS else Severity.MEDIUM
        finding(
            id="ids/short",
            severity=severity,
            title=f"Session IDs carry about {result.estimated_bits:.0f} bits, fewer than {STRONG_BITS}",
            detail=f"{result.summary()}: guessing a live ID becomes a matter of time and requests.",
            cwe="CWE-331",
        )
    if not outcome.findings:
        outcome.passed.append(f"session IDs: {result.summary()}; all different, no sequence, no timestamp")
    return outcome


def _alphabet(characters: str) -> tuple[str, int]:
    used = set(characters)
    for name, alphabet in ALPHABETS:
        if used <= alphabet:
            return name, len(alphabet) if name != "base64" else 64
    return "printable characters", max(len(used), 2)


def _numbers(samples: list[str]) -> list[int] | None:
    """One number per ID when the IDs are a number in a fixed frame ("s-1001", "s-1002"), else None."""
    frames, numbers = set(), []
    for sample in samples:
        runs = list(re.finditer(r"\d+", sample))
        if not runs:
            return None
        last = runs[-1]
        frames.add(sample[: last.start()] + "#" + sample[last.end() :])
        numbers.append(int(last.group()))
    if len(frames) == 1:
        return numbers
    if all(re.fullmatch(r"[0-9a-fA-F]{1,16}", sample) for sample in samples):
        return [int(sample, 16) for sample in samples]
    return None


def _counts_up(samples: list[str]) -> bool:
    numbers = _numbers(samples)
    if numbers is None or len(set(numbers)) < 2:
        return False
    steps = [later - earlier for earlier, later in zip(numbers, numbers[1:], strict=False)]
    return all(0 < step <= SEQUENCE_STEP for step in steps) or all(-SEQUENCE_STEP <= step < 0 for step in steps)


def _contains_the_time(samples: list[str], times: list[float]) -> bool:
    """Most IDs hold a number within two days of when they were issued: seconds, milliseconds or
    microseconds, in decimal or in hex, anywhere in the ID."""
    hits = 0
    now = time.time()  # the server's Date header and its IDs may use different clocks
    for sample, issued in zip(samples, times, strict=True):
        if any(_near(number / scale, (issued, now)) for number, scale in _embedded_numbers(sample)):
            hits += 1
    return hits * 2 > len(samples)


def _embedded_numbers(sample: str):
    """(number, units per second) for every window of digits or hex digits as long as a timestamp."""
    for run in re.findall(r"\d{10,}", sample):
        for width, scale in ((10, 1), (13, 1e3), (16, 1e6)):
            for start in range(len(run) - width + 1):
                yield int(run[start : start + width]), scale
    for run in re.findall(r"[0-9a-fA-F]{8,}", sample):
        for width, scale in ((8, 1), (11, 1e3)):
            for start in range(len(run) - width + 1):
                yield int(run[start : start + width], 16), scale


def _near(seconds: float, moments: tuple[float, ...]) -> bool:
    return any(abs(seconds - moment) < TIME_WINDOW_SECONDS for moment in moments)
