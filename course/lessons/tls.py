"""A certificate for https on 127.0.0.1, made on the spot with ``cryptography``.

    tls = local_tls()                       # a local CA and a server certificate signed by it
    https = demo_server.serve_app(app, tls=tls.server_context())
    requests.get(https.url + "/health", verify=tls.ca_file)   # trust exactly this CA, nothing else

Like ``mkcert``: a small certificate authority of our own (a self-signed root)
signs a certificate for ``127.0.0.1`` and ``localhost``. The client trusts that
one root explicitly (``verify=tls.ca_file``); it never turns verification off.
The files live in a private temporary folder that is removed when the object
is garbage-collected or ``close()`` is called; the private keys never leave it.
Validity follows the real clock (the TLS library checks it), a week from now.
"""

from __future__ import annotations

import datetime
import ipaddress
import shutil
import ssl
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOOPBACK_NAMES = ("localhost",)
LOOPBACK_ADDRESSES = ("127.0.0.1",)
VALID_DAYS = 7


@dataclass
class LocalTLS:
    """Paths of a local CA's certificate and of a server certificate and key it signed."""

    ca_file: str  # give this to the client: requests.get(..., verify=ca_file)
    cert_file: str
    key_file: str
    _folder: str = field(repr=False)

    def __post_init__(self) -> None:
        # The folder goes when this object does (or at close(), or at interpreter exit).
        self._remove_folder = weakref.finalize(self, shutil.rmtree, self._folder, ignore_errors=True)

    def server_context(self) -> ssl.SSLContext:
        """A server-side TLS context (TLS 1.2 or newer) that presents the certificate."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this CA only, with hostname checks on."""
        return ssl.create_default_context(cafile=self.ca_file)

    def close(self) -> None:
        """Remove the certificate files (servers already started keep their loaded copy)."""
        self._remove_folder()

    stop = close  # so course.lessons.background.stop_all() tidies it up with the servers


def local_tls() -> LocalTLS:
    """A fresh CA and a server certificate for 127.0.0.1 and localhost, written to a private temp folder."""
    now = datetime.datetime.now(datetime.timezone.utc)
    not_before, not_after = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=VALID_DAYS)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sessions, Live local CA (for teaching only)")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_certificate = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)  # self-signed: the root of trust the client is told about
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    server_key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName(name) for name in LOOPBACK_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(address)) for address in LOOPBACK_ADDRESSES]
    server_certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        # Clients match the host against the Subject Alternative Names, not the Common Name.
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    folder = tempfile.mkdtemp(prefix="sessions-live-tls-")  # readable by this user only
    directory = Path(folder)
    ca_file, cert_file, key_file = directory / "ca.pem", directory / "server.pem", directory / "server-key.pem"
    ca_file.write_bytes(ca_certificate.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(server_certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_file.chmod(0o600)
    return LocalTLS(str(ca_file), str(cert_file), str(key_file), folder)


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )
