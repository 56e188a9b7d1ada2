"""Each service's app over a real SQLite database (in a temporary folder), for fuzzing its HTTP
doors. Built when the fuzz module is collected: schemathesis' fixture loader does not run
under pytest 9.

The broker is a fake here on purpose: thousands of generated answers must not land on the
topics the other tiers read; what is fuzzed is the HTTP edge (parsing, validation, errors).
"""
import io
import tempfile
import time
import uuid
from pathlib import Path

import schemathesis

from chassis.auth import sign_webhook
from chassis.testing import FakePublisher
from chassis.tokens import generate_keypair
from devkit import testing

ADMIN = "fuzz-admin-token"
SOURCE = "fuzz-source-token"
INBOUND = "fuzz-inbound-token"
WEBHOOK = "fuzz-webhook-secret"
REPLY_TAG_KEY = "fuzz-reply-tag-key"
KEYS = generate_keypair()


def _folder(name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"fuzz-{name}-"))


def _schema(app, config=None):
    return schemathesis.openapi.from_wsgi("/openapi.json", app, config=config)


# An API answer naming an invitation that exists nowhere is well formed by the document, and
# refused by design with a 422 naming invitation_id (issue #11): no OpenAPI document can say
# which invitations exist. Only for that operation does a 422 count as an accepted answer.
INGEST_CONFIG = schemathesis.config.SchemathesisConfig.from_dict({"operations": [{
    "include-path": "/v1/responses", "include-method": "POST", "checks": {
        "positive_data_acceptance": {"expected-statuses": [
            "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]}}}]})


# Subject access takes an email, a requester id or both: a request with neither is well formed by
# the document (no OpenAPI document can say "at least one of two query parameters") and refused
# by design with a 400 naming them. Only for that operation does a 400 count as an accepted answer.
SURVEY_CONFIG = schemathesis.config.SchemathesisConfig.from_dict({"operations": [{
    "include-path": "/v1/subject-access", "include-method": "GET", "checks": {
        "positive_data_acceptance": {"expected-statuses": [
            "2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]}}}]})


class _SignWebhooks:
    """Signs each webhook delivery that carries an X-Signature, as the ITSM would (schemathesis
    cannot), so the fuzzer reaches the body behind the signature check; one without the header
    stays unsigned and must be refused."""

    def __init__(self, wsgi_app, secret: str):
        self.wsgi_app, self.secret = wsgi_app, secret

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/v1/tickets/resolved" and "HTTP_X_SIGNATURE" in environ:
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            environ["HTTP_X_SIGNATURE"] = sign_webhook(self.secret, body, int(time.time()))
        return self.wsgi_app(environ, start_response)


def survey_api():
    from survey_svc.app import create_app
    from survey_svc.bootstrap import build
    from survey_svc.config import Settings
    # Limits high enough that the fuzzer meets the app, not a 429 (tests/integration covers 429s).
    # A real mail server, so a test send (/v1/preview/send) meets one, not a 503.
    sink = testing.SmtpSink().start()
    settings = Settings(webhook_secret=WEBHOOK, admin_token=ADMIN, reply_tag_key=REPLY_TAG_KEY,
                        signing_key=KEYS[0], admin_rate_limit="100000 per minute",
                        smtp_port=sink.port,
                        webhook_rate_limit="100000 per minute",
                        # Subject access asks no other service here: its parts are "missing".
                        ingest_admin_url="", analysis_admin_url="",
                        database_url=f"sqlite:///{_folder('survey') / 'survey.db'}")
    app = create_app(build(settings, publisher=FakePublisher()))
    app.wsgi_app = _SignWebhooks(app.wsgi_app, WEBHOOK)
    return _schema(app, SURVEY_CONFIG)


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx, value) -> bytes:
    """ingest's batch body: documented as a string of NDJSON lines, sent as its bytes. A value
    that is no string (a negative case) cannot be NDJSON text at all: sent as an empty body."""
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else b""


def ingest_api():
    from ingest_svc.app import create_app
    from ingest_svc.bootstrap import build
    from ingest_svc.config import Settings
    folder = _folder("ingest")
    settings = Settings(survey_verify_key=KEYS[1], secret_key=uuid.uuid4().hex, reply_tag_key=REPLY_TAG_KEY,
                        api_tokens=(f"fuzz:{SOURCE}",), inbound_token=INBOUND, admin_token=ADMIN,
                        database_url=f"sqlite:///{folder / 'ingest.db'}",
                        spool_dir=str(folder / "spool"),
                        rate_limit_ip="100000 per minute", rate_limit_token="100000 per minute",
                        api_rate_limit="100000 per minute", batch_rate_limit="100000 per minute",
                        inbound_rate_limit="100000 per minute")
    return _schema(create_app(build(settings, publisher=_RawSink())), INGEST_CONFIG)


class _RawSink(FakePublisher):
    """ingest-svc's publisher port takes encoded messages (publish_raw): kept, never sent."""

    def publish_raw(self, messages) -> None:
        self.published.extend(messages)


def analysis_api():
    from analysis_svc.app import create_app
    from analysis_svc.bootstrap import build
    from analysis_svc.config import Settings
    # Limits high enough that the fuzzer meets the app, not a 429 (tests/integration covers 429s).
    settings = Settings(admin_token=ADMIN, model_dir="", feed_rate_limit="100000 per minute",
                        signin_rate_limit="100000 per minute",
                        report_pdf_rate_limit="100000 per minute",
                        database_url=f"sqlite:///{_folder('analysis') / 'analysis.db'}")
    return _schema(create_app(build(settings, publisher=FakePublisher())))
