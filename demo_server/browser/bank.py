"""The bank lesson 06 attacks: accounts, balances and transfers (plain logic, no Flask).

Every demo user has an account, and so does ``mallory``, the attacker, who
cannot log in: money reaches her only through someone else's session.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Iterable

OPENING_BALANCE = 10_000
MAX_TRANSFER = 10_000
ATTACKER_ACCOUNT = "mallory"


class TransferRefused(ValueError):
    """The transfer cannot happen (unknown account, bad amount, not enough money)."""


@dataclass(frozen=True)
class Transfer:
    sender: str
    recipient: str
    amount: int
    via: str  # the route that made it, so the lesson can tell the defences apart


class Bank:
    """Balances and the list of transfers, safe to use from the server's threads."""

    def __init__(self, holders: Iterable[str]) -> None:
        self._balances = {name: OPENING_BALANCE for name in [*holders, ATTACKER_ACCOUNT]}
        self._transfers: list[Transfer] = []
        self._lock = threading.Lock()

    def balance(self, holder: str) -> int:
        with self._lock:
            return self._balances[holder]

    def holders(self) -> list[str]:
        return list(self._balances)

    def transfer(self, sender: str, recipient: str, amount: int, *, via: str) -> Transfer:
        with self._lock:
            if recipient not in self._balances:
                raise TransferRefused(f"there is no account called {recipient!r}")
            if recipient == sender:
                raise TransferRefused("you cannot send money to yourself")
            if not 0 < amount <= MAX_TRANSFER:
                raise TransferRefused(f"an amount is a whole number from 1 to {MAX_TRANSFER}")
            if self._balances[sender] < amount:
                raise TransferRefused(f"not enough money: the balance is {self._balances[sender]}")
            self._balances[sender] -= amount
            self._balances[recipient] += amount
            made = Transfer(sender, recipient, amount, via)
            self._transfers.append(made)
            return made

    def transfers(self, *, recipient: str | None = None) -> list[Transfer]:
        with self._lock:
            return [t for t in self._transfers if recipient is None or t.recipient == recipient]
