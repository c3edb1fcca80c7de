"""Point 6 of issue 19 (part two): invoice links in the body are fetched only for senders on the
company's link allow-list, through core.netguard (no arbitrary URLs, no calls into our own network).

A real HTTP server on 127.0.0.1 serves the files; netguard refuses loopback unless the test allows it
(ENVOICE_INBOUND_LINKS_ALLOW_LOOPBACK, never set in any settings module), so both sides are shown."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail as outbox

from core.netguard import FetchRefused, fetch_public
from documents.models import Document
from inbound.links import invoice_links
from inbound.models import InboundMessage, InboundSettings
from tests import samples

pytestmark = pytest.mark.django_db
INVOICE = samples.pdf("Invoice no: LINK-1\nTotal EUR 10.00")
TYPES = frozenset({"application/pdf", "application/xml", "text/xml"})


class Files(BaseHTTPRequestHandler):
    routes = {
        "/inv/LINK-1.pdf": (200, "application/pdf", INVOICE),
        "/portal/download": (200, "application/pdf; charset=binary", INVOICE),
        "/page.pdf": (200, "text/html", b"<html>login first</html>"),
        "/big.pdf": (200, "application/pdf", b"%PDF-1.4 " + b"0" * 50_000),
        "/hop.pdf": (302, "", b""),
    }
    hits: list[str] = []

    def do_GET(self):
        self.hits.append(self.path)
        if self.path == "/slow.pdf":  # every read answers quickly; the whole takes seconds
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.end_headers()
            try:
                for _ in range(30):
                    self.wfile.write(b"%PDF" * 256)
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
            return
        status, content_type, body = self.routes.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "http://169.254.169.254/latest/meta-data.pdf")
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Files.hits = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def trusted(company, settings):
    settings.ENVOICE_INBOUND_LINKS_ALLOW_LOOPBACK = True
    InboundSettings.objects.create(company=company, link_senders="@acme.example")


def test_links_in_text_and_html_are_found():
    html = (
        '<a href="https://portal.example/d/123">Download invoice</a> <a href="https://x.example/about">About</a>'
        '<a href="https://cdn.example/e-arve.xml">here</a>'
    )
    text = "Your invoice: https://files.example/inv/7.pdf. Terms: https://files.example/terms"
    assert invoice_links(text=text, html=html) == [
        "https://portal.example/d/123",
        "https://cdn.example/e-arve.xml",
        "https://files.example/inv/7.pdf",
    ]


def test_an_allowed_senders_link_becomes_a_document(deliver, company, server, trusted):
    response, token = deliver(
        recipient=company.inbound_address,
        text="Hello",
        html=f'<p>Your invoice is ready: <a href="{server}/portal/download">Download invoice</a></p>',
    )
    assert response.status_code == 200, response.content
    [document] = Document.objects.filter(company=company)
    assert document.filename == "download.pdf"
    assert document.content_type == "application/pdf" and document.invoice_number == "LINK-1"
    assert Files.hits == ["/portal/download"]
    assert InboundMessage.objects.get(token=token).document_ids == [document.pk]


def test_links_from_other_senders_are_never_fetched(deliver, company, server, trusted):
    response, token = deliver(
        recipient=company.inbound_address,
        sender="stranger@elsewhere.example",
        text=f"Pay here: {server}/inv/LINK-1.pdf",
    )
    assert response.status_code == 200  # the body itself is stored, as before
    assert Files.hits == []
    record = InboundMessage.objects.get(token=token)
    assert any("not fetched" in note for note in record.notes)
    assert "1 link in the message was not fetched" in outbox.outbox[0].body


def test_with_no_link_allow_list_nothing_is_fetched(deliver, company, server, settings):
    settings.ENVOICE_INBOUND_LINKS_ALLOW_LOOPBACK = True
    deliver(recipient=company.inbound_address, text=f"Invoice: {server}/inv/LINK-1.pdf")
    assert Files.hits == []


def test_loopback_is_refused_without_the_test_switch(deliver, company, server):
    InboundSettings.objects.create(company=company, link_senders="@acme.example")
    response, token = deliver(recipient=company.inbound_address, text=f"Invoice: {server}/inv/LINK-1.pdf")
    assert response.status_code == 200
    assert Files.hits == []  # never even connected
    [skipped] = InboundMessage.objects.get(token=token).skipped
    assert skipped["reason"] == "link not fetched: only https:// links are fetched"


@pytest.mark.parametrize(
    "path, why",
    [
        ("/page.pdf", "not a PDF or XML invoice"),
        ("/big.pdf", "too large"),
        ("/hop.pdf", "only https:// links"),  # a redirect to the cloud metadata address
        ("/missing.pdf", "answered 404"),
    ],
)
def test_what_a_fetch_refuses(deliver, company, server, trusted, settings, path, why):
    settings.ENVOICE_MAX_UPLOAD_BYTES = 20_000
    response, token = deliver(recipient=company.inbound_address, text=f"Invoice: {server}{path}")
    assert response.status_code == 200  # the body is kept as a PDF
    record = InboundMessage.objects.get(token=token)
    assert why in record.skipped[0]["reason"]
    assert [d.filename for d in Document.objects.filter(company=company)] == ["invoice-inv-2024-001.pdf"]


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.5", "169.254.169.254", "192.168.1.1", "::1", "fd00::1"],
)
def test_netguard_refuses_names_resolving_into_our_network(monkeypatch, address):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(family, socket.SOCK_STREAM, 6, "", (address, 443))]
    )
    with pytest.raises(FetchRefused, match="could not be reached"):
        fetch_public("https://invoices.example/x.pdf", max_bytes=1000, timeout=2, content_types=TYPES)


@pytest.mark.parametrize(
    "url, why",
    [
        ("ftp://files.example/x.pdf", "only https"),
        ("https://files.example:8443/x.pdf", "standard https port"),
        ("https://user:pw@files.example/x.pdf", "not a valid address"),
    ],
)
def test_netguard_refuses_other_schemes_ports_and_credentials(url, why):
    with pytest.raises(FetchRefused, match=why):
        fetch_public(url, max_bytes=1000, timeout=2, content_types=TYPES)


def test_netguard_stops_a_slow_server(server):
    with pytest.raises(FetchRefused):
        fetch_public(
            f"{server}/big.pdf", max_bytes=10**6, timeout=0.000001, content_types=TYPES, allow_loopback=True
        )


# ------------------------------------------------------------------------------------------ https
def _self_signed(folder, name: str):
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """An https server on 127.0.0.1 whose certificate names invoices.example, which resolves to it;
    the certificate is the only one trusted."""
    import ssl

    cert, key = _self_signed(tmp_path, "invoices.example")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host in ("invoices.example", "other.example"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr("core.netguard.certifi.where", lambda: str(cert))
    Files.hits = []
    yield port
    httpd.shutdown()
    httpd.server_close()


def test_https_connects_to_the_checked_address_and_verifies_the_name(tls_server):
    fetched = fetch_public(
        f"https://invoices.example:{tls_server}/inv/LINK-1.pdf",
        max_bytes=10**6, timeout=5, content_types=TYPES, allow_loopback=True,
    )  # fmt: skip
    assert fetched.content == INVOICE and fetched.filename == "LINK-1.pdf"
    # The same server under a name its certificate does not carry: refused.
    with pytest.raises(FetchRefused, match="did not answer"):
        fetch_public(
            f"https://other.example:{tls_server}/inv/LINK-1.pdf",
            max_bytes=10**6, timeout=5, content_types=TYPES, allow_loopback=True,
        )  # fmt: skip
