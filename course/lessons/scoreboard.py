"""The attack lab's scoreboard: every station's attack, against every labelled route and its fix.

    lab = AttackLab(server.url)

    @lab.attack("Password in a cookie", "/vuln/password-cookie/login")
    def read_the_password(url):          # the full URL of the route under attack
        ...                              # True if the attack got through

    lab.scoreboard()                     # runs each attack on its route and on the route's fixed twin

The rows come from the server's own ``GET /insecure`` listing (flaw, CWE, ASVS
id and fixed twin of each labelled route), so a new station appears as soon
as it registers an attack: nothing in the table is written by hand.
Registering the same route again (a re-run cell) replaces the attack.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable

import requests

from course.lessons.client import new_client

Attack = Callable[[str], bool]
GOT_IN = "got in"
STOPPED = "stopped"
COULD_NOT_RUN = "error"


@dataclass(frozen=True)
class StationAttack:
    station: str
    route: str
    run: Attack


@dataclass(frozen=True)
class Row:
    station: str
    route: str
    fixed_twin: str
    on_vulnerable: bool  # did the attack get through on the labelled route?
    on_fixed: bool  # ... and on its fixed twin?
    cwe: str
    asvs: str
    error: str = ""  # why the attack could not run, if it could not

    @property
    def as_expected(self) -> bool:
        return not self.error and self.on_vulnerable and not self.on_fixed


@dataclass(frozen=True)
class Scoreboard:
    rows: list[Row]
    not_attacked_here: list[str]  # labelled routes with no attack registered in this notebook

    @property
    def all_as_expected(self) -> bool:
        return bool(self.rows) and all(row.as_expected for row in self.rows)

    def table(self) -> list[list[str]]:
        header = ["mistake", "attack on vulnerable", "attack on fixed", "CWE", "ASVS"]
        body = [
            [
                row.station,
                f"{_verdict(row.on_vulnerable, row.error):<7} {row.route}",
                f"{_verdict(row.on_fixed, row.error):<7} {row.fixed_twin}",
                row.cwe,
                row.asvs,
            ]
            for row in self.rows
        ]
        return [header, *body]

    def __repr__(self) -> str:
        table = self.table()
        widths = [max(len(line[column]) for line in table) for column in range(len(table[0]))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in table
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        lines.append("")
        lines.append(self.summary())
        return "\n".join(lines)

    def summary(self) -> str:
        held = sum(row.as_expected for row in self.rows)
        text = f"{held} of {len(self.rows)} attacks got in on the vulnerable route and were stopped by its fix."
        errors = [row for row in self.rows if row.error]
        for row in errors:
            text += f"\n  {row.route}: the attack could not run ({row.error})"
        if self.not_attacked_here:
            text += f"\nLabelled routes with no attack registered here: {', '.join(self.not_attacked_here)}"
        return text

    def _repr_html_(self) -> str:
        header, *body = self.table()
        cells = "".join(f"<th style='text-align:left'>{html.escape(name)}</th>" for name in header)
        rows = [f"<tr>{cells}</tr>"]
        for row, line in zip(self.rows, body, strict=True):
            style = "" if row.as_expected else " style='background:#ffd6d6'"
            cells_html = "".join(f"<td style='text-align:left'>{html.escape(cell)}</td>" for cell in line)
            rows.append(f"<tr{style}>{cells_html}</tr>")
        summary = html.escape(self.summary()).replace("\n", "<br>")
        return (
            "<table style='font-size:12px;border-collapse:collapse'>"
            + "".join(rows)
            + f"</table><p style='font-size:12px'>{summary}</p>"
        )


class AttackLab:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._attacks: dict[str, StationAttack] = {}

    def attack(self, station: str, route: str) -> Callable[[Attack], Attack]:
        """Register ``function(url) -> bool`` as the attack on the labelled ``route``."""
        if not route.startswith("/"):
            raise ValueError(f"a route is a path like '/vuln/...', not {route!r}")

        def register(function: Attack) -> Attack:
            self._attacks[route] = StationAttack(station, route, function)
            return function

        return register

    @property
    def attacks(self) -> dict[str, StationAttack]:
        return dict(self._attacks)

    def run(self, route: str, target: str | None = None) -> bool:
        """Run the attack registered for ``route`` against ``target`` (default: the route itself)."""
        if route not in self._attacks:
            raise KeyError(f"no attack is registered for {route}; registered: {', '.join(self._attacks) or 'none'}")
        return bool(self._attacks[route].run(self.base_url + (target or route)))

    def listing(self) -> list[dict]:
        answer = new_client().get(self.base_url + "/insecure", timeout=10)
        answer.raise_for_status()
        listing = answer.json()
        if not listing.get("enabled"):
            raise RuntimeError("the server lists no vulnerable routes: start it with INSECURE_DEMOS=True")
        return listing["routes"]

    def scoreboard(self) -> Scoreboard:
        """Every registered attack on its labelled route and on that route's fixed twin, in station order."""
        labelled = {route["path"]: route for route in self.listing()}
        order = {station: index for index, station in enumerate(a.station for a in self._attacks.values())}
        rows = []
        for route, attack in sorted(self._attacks.items(), key=lambda item: (order[item[1].station], item[0])):
            label = labelled.get(route)
            if label is None:
                rows.append(Row(attack.station, route, "?", False, False, "", "", "not a labelled route"))
                continue
            try:
                on_vulnerable = self.run(route)
                on_fixed = self.run(route, label["fixed_twin"])
                error = ""
            except (requests.RequestException, AssertionError, KeyError, ValueError) as problem:
                on_vulnerable = on_fixed = False
                error = f"{type(problem).__name__}: {problem}"
            rows.append(
                Row(
                    attack.station,
                    route,
                    label["fixed_twin"],
                    on_vulnerable,
                    on_fixed,
                    # One CWE or several, most specific first (the /insecure listing gives a list).
                    label["cwe"] if isinstance(label["cwe"], str) else ", ".join(label["cwe"]),
                    label["asvs"],
                    error,
                )
            )
        others = sorted(set(labelled) - set(self._attacks))
        return Scoreboard(rows, others)


def _verdict(got_in: bool, error: str) -> str:
    if error:
        return COULD_NOT_RUN
    return GOT_IN if got_in else STOPPED
