"""What keeping Google API connections open saves, over HTTPS as Google serves.

Sends the same N requests (Gmail labels.list) one after another from one thread,
first on a new connection each (a TLS handshake every time, as before connections
were kept), then on the thread's kept connection (app.google_api), against a
sandbox serving HTTPS on loopback with a certificate made for the run. Prints the
wall time and the calling thread's CPU time per request, and their ratios.
Loopback has no network round trips: over the internet each handshake also
costs one or two round trips to Google, which this leaves out.

    .venv/bin/python bench/kept_connections.py [N]
"""
import datetime
import ipaddress
import os
import ssl
import sys
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def timed(ctx, count: int) -> tuple[float, float]:
    from app import google_api

    labels = ctx.service("gmail").users().labels()
    google_api.execute(labels.list(userId="me"))  # a first request, so both ways start warm
    wall, cpu = time.perf_counter(), time.thread_time()
    for _ in range(count):
        google_api.execute(labels.list(userId="me"))
    return (time.perf_counter() - wall) / count, (time.thread_time() - cpu) / count


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        cert, key = certificate(Path(folder))
        # Both the API client (httplib2) and the sandbox's control client (urllib) trust it.
        os.environ["HTTPLIB2_CA_CERTS"] = os.environ["SSL_CERT_FILE"] = str(cert)
        import django

        django.setup()
        from app import google_api
        from app.sandbox.server import SandboxServer
        from app.tools.context import Context
        from tests.sandbox_client import SandboxClient

        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        server = SandboxServer("demo", tls=tls).start()
        try:
            ctx = Context(credentials=SandboxClient(server.url).credentials(), api_root=server.url)
            kept = google_api.IDLE_SECONDS
            google_api.IDLE_SECONDS = -1  # every connection counts as stale: a new one per request
            fresh = timed(ctx, count)
            google_api.IDLE_SECONDS = kept
            reused = timed(ctx, count)
        finally:
            server.stop()
    print(f"{count} requests over HTTPS on loopback, one thread")
    for label, (wall, cpu) in (("new connection each", fresh), ("kept connection", reused)):
        print(f"{label:20} {wall * 1000:6.2f} ms wall, {cpu * 1000:6.2f} ms CPU per request")
    print(f"ratio                wall {fresh[0] / reused[0]:.1f}x, CPU {fresh[1] / reused[1]:.1f}x less with the kept connection")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
