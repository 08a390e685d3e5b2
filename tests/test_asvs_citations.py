"""ASVS citations: every id the course cites is ASVS 5.0.0 in its versioned form, and listed.

The list, with a short title for each id, is ``demo_server/asvs.py``; it was taken from the
standard's own CSV. This test needs nothing outside the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from demo_server import asvs

ROOT = Path(__file__).resolve().parent.parent
SEARCHED = ["notebooks", "solutions", "exercises", "course", "demo_server", "docs", "README.md"]
# A 4.0.3-style id (V3.2.2) or a bare 5.0 one: both are ambiguous, so neither may appear.
UNVERSIONED = re.compile(r"(?<![\w.-])V\d{1,2}\.\d{1,2}\.\d{1,2}\b")


def _files():
    for name in SEARCHED:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in files:
            if file.suffix in {".py", ".ipynb", ".md"} and "__pycache__" not in file.parts:
                yield file


def test_every_cited_id_is_listed():
    unlisted = {}
    for file in _files():
        for match in asvs.CITATION.finditer(file.read_text(encoding="utf-8")):
            if match.group(0) not in asvs.CITED:
                unlisted.setdefault(match.group(0), str(file.relative_to(ROOT)))
    assert not unlisted, f"cited but not in demo_server/asvs.py: {unlisted}"


def test_no_unversioned_or_4_0_3_ids():
    found = {}
    for file in _files():
        for match in UNVERSIONED.finditer(file.read_text(encoding="utf-8")):
            found.setdefault(str(file.relative_to(ROOT)), []).append(match.group(0))
    assert not found, f"cite ASVS as v5.0.0-N.N.N, not: {found}"


def test_the_list_is_in_id_order_with_titles():
    ids = list(asvs.CITED)
    assert ids == sorted(ids, key=asvs.key)
    assert all(asvs.CITED[i].strip() for i in ids)


def test_an_unlisted_label_fails_at_import_time():
    from demo_server.vulnerable.labels import insecure

    with pytest.raises(KeyError, match="not a cited ASVS 5.0.0 id"):
        insecure(flaw="x", cwe="CWE-1", fixed_twin="/", asvs="v5.0.0-99.9.9")
