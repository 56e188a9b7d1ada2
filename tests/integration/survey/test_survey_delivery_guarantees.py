"""A crash between sending and marking repeats one mail at most; SMTP AUTH works."""
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from devkit.procs import free_port
from devkit.testing import SmtpSink
from chassis.mail import SmtpMailer
from survey_svc.service_layer.dispatch import dispatch_due

pytestmark = [pytest.mark.integration,
              pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")]


def test_crash_between_send_and_mark_repeats_only_the_mail_in_flight(
        survey, clock, smtp_server, client, signed, ticket_payload, crash_after_sending):
    for n in range(6):
        body, headers = signed(ticket_payload(f"INC-C{n}", clock.now() - timedelta(days=1)))
        assert client.post("/v1/tickets/resolved", data=body, headers=headers).status_code == 202
    mailer = survey.mailer_factory()
    with pytest.raises(SystemExit):
        dispatch_due(survey.uow_factory(), clock, crash_after_sending(mailer, 3), survey.renderer)
    assert dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer).sent == 4
    mailer.close()
    counts = Counter(m["Message-ID"] for m in smtp_server.wait_for_messages(7))
    assert len(counts) == 6 and sorted(counts.values()) == [1, 1, 1, 1, 1, 2]


class AuthSink(SmtpSink):
    def start(self):
        def check(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login, auth_data.password) == (b"survey", b"s3cret")
            return AuthResult(success=ok)
        self._controller = Controller(self, hostname=self.host, port=self.port,
                                      authenticator=check, auth_require_tls=False,
                                      auth_required=True)
        self._controller.start()
        return self


def test_smtp_auth_when_configured(survey, clock, client, signed, ticket_payload):
    sink = AuthSink(port=free_port()).start()
    try:
        body, headers = signed(ticket_payload("INC-AUTH", clock.now() - timedelta(days=1)))
        client.post("/v1/tickets/resolved", data=body, headers=headers)
        # aiosmtpd never answers a failed login, so keep the wait short.
        wrong = SmtpMailer("127.0.0.1", sink.port, username="survey", password="nope",
                           timeout_s=1, attempts=1)
        refused = dispatch_due(survey.uow_factory(), clock, wrong, survey.renderer)
        assert (refused.sent, refused.bounced, refused.deferred) == (0, 0, 1)
        wrong.close()
        clock.advance(timedelta(hours=1))
        right = SmtpMailer("127.0.0.1", sink.port, username="survey", password="s3cret")
        assert dispatch_due(survey.uow_factory(), clock, right, survey.renderer).sent == 1
        right.close()
        assert len(sink.wait_for_messages(1)) == 1
    finally:
        sink.stop()
