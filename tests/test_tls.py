"""https on loopback: a local CA and certificate (course.lessons.tls), and serve_app(..., tls=...)."""

from __future__ import annotations

import http.client
import ssl
from pathlib import Path

import pytest
import requests
from cryptography import x509

import demo_server
from course.lessons.tls import local_tls

from .conftest import TEST_CONFIG


@pytest.fixture
def tls():
    made = local_tls()
    yield made
    made.close()


@pytest.fixture
def https_server(tls):
    server = demo_server.serve_app(demo_server.create_app(TEST_CONFIG), tls=tls.server_context())
    yield server
    server.stop()


def test_the_server_certificate_names_loopback_and_is_signed_by_the_ca(tls):
    certificate = x509.load_pem_x509_certificate(Path(tls.cert_file).read_bytes())
    ca = x509.load_pem_x509_certificate(Path(tls.ca_file).read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(address) for address in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert certificate.issuer == ca.subject and ca.issuer == ca.subject
    certificate.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_only_the_key_file_is_private(tls):
    assert Path(tls.key_file).stat().st_mode & 0o077 == 0
    assert b"PRIVATE KEY" not in Path(tls.ca_file).read_bytes() + Path(tls.cert_file).read_bytes()


def test_close_removes_the_files(tls):
    folder = Path(tls.ca_file).parent
    tls.close()
    assert not folder.exists()
    tls.close()  # twice is fine


def test_serve_app_with_tls_answers_https(https_server, tls):
    assert https_server.url.startswith("https://127.0.0.1:")
    answer = requests.get(https_server.url + "/health", verify=tls.ca_file, timeout=5)
    assert answer.json() == {"status": "ok"}
    assert requests.get(f"https://localhost:{https_server.port}/health", verify=tls.ca_file, timeout=5).ok


def test_a_client_that_does_not_trust_the_ca_refuses(https_server):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(https_server.url + "/health", timeout=5)


def test_strict_x509_verification_accepts_the_chain(https_server, tls):
    # Python 3.13 turns VERIFY_X509_STRICT on by default; the certificates must pass it.
    context = tls.client_context()
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    connection = http.client.HTTPSConnection("127.0.0.1", https_server.port, context=context, timeout=5)
    try:
        connection.request("GET", "/health")
        assert connection.getresponse().status == 200
    finally:
        connection.close()


def test_the_app_knows_the_request_came_over_https(https_server, tls):
    # /mistakes/https refuses plain http; over TLS it answers.
    answer = requests.get(https_server.url + "/mistakes/https/me", verify=tls.ca_file, timeout=5)
    assert answer.status_code == 401 and "Strict-Transport-Security" in answer.headers


def test_plain_http_to_the_tls_port_fails_without_stopping_the_server(https_server, tls):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{https_server.port}/health", timeout=5)
    assert requests.get(https_server.url + "/health", verify=tls.ca_file, timeout=5).ok


def test_stop_frees_the_https_port(https_server):
    https_server.stop()
    assert not https_server.running
    https_server.stop()
