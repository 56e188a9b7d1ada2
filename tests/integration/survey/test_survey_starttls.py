"""chassis.mail.SmtpMailer's STARTTLS with AUTH against a real TLS server (throwaway
self-signed certificate): trusted, it sends; untrusted, the password never leaves."""
import ipaddress
import ssl
from datetime import datetime, timedelta, timezone

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from devkit.procs import free_port
from devkit.testing import SmtpSink
from chassis.mail import ServerUnavailable, SmtpMailer, plain_mail
from survey_svc.service_layer.dispatch import dispatch_due

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


class TlsSink(SmtpSink):
    """Requires STARTTLS before anything else, and AUTH (only offered over TLS)."""

    def __init__(self, cert, key):
        super().__init__(port=free_port())
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self.encrypted: list[bool] = []

    async def handle_DATA(self, server, session, envelope):
        self.encrypted.append(session.ssl is not None)
        return await super().handle_DATA(server, session, envelope)

    def start(self):
        def check(server, session, envelope, mechanism, auth_data):
            return AuthResult(success=(auth_data.login, auth_data.password)
                              == (b"survey", b"s3cret"))
        self._controller = Controller(self, hostname=self.host, port=self.port,
                                      tls_context=self.context, require_starttls=True,
                                      authenticator=check, auth_required=True)
        self._controller.start()
        return self


@pytest.fixture
def tls_sink(certificate, monkeypatch):
    # The mailer verifies the server as any client would: trust the throwaway certificate.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    sink = TlsSink(*certificate).start()
    yield sink
    sink.stop()


def _resolve(client, signed, ticket_payload, clock, ticket_id):
    body, headers = signed(ticket_payload(ticket_id, clock.now() - timedelta(days=1)))
    assert client.post("/v1/tickets/resolved", data=body, headers=headers).status_code == 202


def test_sends_over_starttls_with_auth(survey, clock, client, signed, ticket_payload, tls_sink):
    _resolve(client, signed, ticket_payload, clock, "INC-TLS1")
    mailer = SmtpMailer("127.0.0.1", tls_sink.port, starttls=True, username="survey",
                        password="s3cret")
    assert dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer).sent == 1
    mailer.close()
    [message] = tls_sink.wait_for_messages(1)
    assert message["Subject"].endswith("INC-TLS1?") and tls_sink.encrypted == [True]


def test_without_starttls_the_mail_waits_rather_than_bounces(
        survey, clock, client, signed, ticket_payload, tls_sink):
    _resolve(client, signed, ticket_payload, clock, "INC-TLS2")
    plain = SmtpMailer("127.0.0.1", tls_sink.port, timeout_s=2, attempts=1)
    refused = dispatch_due(survey.uow_factory(), clock, plain, survey.renderer)
    plain.close()
    assert (refused.sent, refused.bounced, refused.deferred) == (0, 0, 1)
    clock.advance(timedelta(hours=1))
    mailer = SmtpMailer("127.0.0.1", tls_sink.port, starttls=True, username="survey",
                        password="s3cret")
    assert dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer).sent == 1
    mailer.close()
    assert len(tls_sink.wait_for_messages(1)) == 1 and tls_sink.encrypted == [True]


class OpportunisticTlsSink(TlsSink):
    """Offers STARTTLS and would take AUTH without it: records every login it is sent."""

    def start(self):
        def check(server, session, envelope, mechanism, auth_data):
            self.logins.append((auth_data.login, auth_data.password))
            return AuthResult(success=True)
        self.logins: list[tuple] = []
        self._controller = Controller(self, hostname=self.host, port=self.port,
                                      tls_context=self.context, require_starttls=False,
                                      authenticator=check, auth_require_tls=False)
        self._controller.start()
        return self


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_an_untrusted_certificate_is_refused_before_auth(certificate, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)  # the throwaway certificate is not trusted
    sink = OpportunisticTlsSink(*certificate).start()
    mailer = SmtpMailer("127.0.0.1", sink.port, starttls=True, username="survey",
                        password="s3cret", timeout_s=2, attempts=1)
    try:
        with pytest.raises(ServerUnavailable, match="certificate"):
            mailer.send(plain_mail("ict@council.example", "pat@example.org", "Hello", "Hi."))
    finally:
        mailer.close()
        sink.stop()
    assert sink.logins == [] and sink.messages == [] and sink.encrypted == []
