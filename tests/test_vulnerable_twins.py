"""Every deliberately vulnerable route: its attack gets through, and fails on its fixed twin.

Driven by the server's own ``/insecure`` listing, so a new labelled route fails
here until it has an attack in ``tests/twin_attacks/`` and a fixed twin that
exists and stops it.
"""

from __future__ import annotations

import pytest

from demo_server import ManualClock, create_app
from demo_server.vulnerable.labels import ASVS_VERSION

from .conftest import TEST_CONFIG
from .twin_attacks import all_attacks

ATTACKS = all_attacks()


def _app():
    return create_app({**TEST_CONFIG, "CLOCK": ManualClock(), "INSECURE_DEMOS": True})


def _listing() -> list[dict]:
    return _app().test_client().get("/insecure").json["routes"]


LABELLED = {route["path"]: route for route in _listing()}


def _secure_routes() -> set[str]:
    secure = create_app(TEST_CONFIG)
    return {rule.rule for rule in secure.url_map.iter_rules()}


def test_the_listing_names_its_asvs_version():
    assert _app().test_client().get("/insecure").json["asvs_version"] == ASVS_VERSION == "5.0.0"


def test_every_labelled_route_has_an_attack():
    missing = sorted(set(LABELLED) - set(ATTACKS))
    assert not missing, f"labelled routes without an attack in tests/twin_attacks/: {missing}"


def test_every_attack_targets_a_labelled_route():
    stale = sorted(set(ATTACKS) - set(LABELLED))
    assert not stale, f"attacks for routes that are not labelled in /insecure: {stale}"


@pytest.mark.parametrize("path", sorted(LABELLED))
def test_the_fixed_twin_exists_without_insecure_demos(path):
    twin = LABELLED[path]["fixed_twin"]
    assert twin in _secure_routes(), f"{path}: its fixed twin {twin} is not a route of the secure app"


@pytest.mark.parametrize("path", sorted(LABELLED))
def test_the_attack_gets_through_on_the_vulnerable_route(path):
    if path not in ATTACKS:
        pytest.fail(f"{path} has no attack in tests/twin_attacks/")
    assert ATTACKS[path](_app(), path), f"the attack on {path} did not get through"


@pytest.mark.parametrize("path", sorted(LABELLED))
def test_the_same_attack_fails_on_the_fixed_twin(path):
    if path not in ATTACKS:
        pytest.fail(f"{path} has no attack in tests/twin_attacks/")
    twin = LABELLED[path]["fixed_twin"]
    assert not ATTACKS[path](_app(), twin), f"the attack on {path} also gets through on its fixed twin {twin}"


def test_the_listing_reads_on_its_own():
    for path, route in LABELLED.items():
        assert route["cwe"] and all(cwe.startswith("CWE-") for cwe in route["cwe"]), path
        assert route["asvs"].startswith("v5.0.0-") and route["asvs_title"], path


def test_a_label_may_name_several_cwes_most_specific_first():
    from demo_server.vulnerable.labels import insecure, label_of

    @insecure(flaw="searches the header", cwe=("CWE-565", "CWE-697"), fixed_twin="/", asvs="v5.0.0-9.1.1")
    def view():
        pass

    assert label_of(view).header() == "CWE-565, CWE-697: searches the header"
    assert label_of(view).as_dict()["cwe"] == ["CWE-565", "CWE-697"]


@pytest.mark.parametrize("cwe", ["565", "CWE-", (), ("CWE-565", "V3.2.2")])
def test_a_label_refuses_what_is_not_a_cwe_id(cwe):
    from demo_server.vulnerable.labels import insecure

    with pytest.raises(ValueError, match="like 'CWE-565'"):
        insecure(flaw="x", cwe=cwe, fixed_twin="/", asvs="v5.0.0-9.1.1")
