"""The access audit and subject access are in each service's OpenAPI document: admin bearer
auth, their parameters, their answer's schema."""
import uuid

import pytest

from chassis.testing import FakePublisher
from chassis.tokens import generate_keypair

KEYS = generate_keypair()


class _RawSink(FakePublisher):
    def publish_raw(self, messages) -> None:
        self.published.extend(messages)


def _survey(tmp_path):
    from survey_svc.app import create_app
    from survey_svc.bootstrap import build
    from survey_svc.config import Settings
    return create_app(build(Settings(
        webhook_secret="w", admin_token="a", reply_tag_key="k", signing_key=KEYS[0],
        database_url=f"sqlite:///{tmp_path / 's.db'}"), publisher=FakePublisher()))


def _ingest(tmp_path):
    from ingest_svc.app import create_app
    from ingest_svc.bootstrap import build
    from ingest_svc.config import Settings
    return create_app(build(Settings(
        survey_verify_key=KEYS[1], secret_key=uuid.uuid4().hex, reply_tag_key="k",
        admin_token="a", database_url=f"sqlite:///{tmp_path / 'i.db'}",
        spool_dir=str(tmp_path / "spool")), publisher=_RawSink()))


def _analysis(tmp_path):
    from analysis_svc.app import create_app
    from analysis_svc.bootstrap import build
    from analysis_svc.config import Settings
    return create_app(build(Settings(admin_token="a", model_dir="",
                                     database_url=f"sqlite:///{tmp_path / 'a.db'}"),
                            publisher=FakePublisher()))


def _spec(app) -> dict:
    return app.test_client().get("/openapi.json").json


def _operation(app, path: str, method: str) -> dict:
    return _spec(app)["paths"][path][method]


@pytest.mark.parametrize("make", [_survey, _ingest, _analysis])
def test_the_access_audit_is_documented_in_every_service(make, tmp_path):
    listing = _operation(make(tmp_path), "/v1/access-audit", "get")
    assert listing["security"] == [{"bearerAuth": []}] and listing["summary"]
    assert {p["name"] for p in listing["parameters"]} == {
        "since", "until", "actor", "action", "cursor", "limit"}
    assert "200" in listing["responses"]


@pytest.mark.parametrize("make", [_ingest, _analysis])
def test_subject_data_is_documented_where_survey_svc_asks_for_it(make, tmp_path):
    posted = _operation(make(tmp_path), "/v1/admin/subject-data", "post")
    assert posted["security"] == [{"bearerAuth": []}] and posted["summary"]
    body = posted["requestBody"]["content"]["application/json"]["schema"]
    assert "200" in posted["responses"] and body


def test_subject_access_is_documented_on_survey_svc(tmp_path):
    spec = _spec(_survey(tmp_path))
    asked = spec["paths"]["/v1/subject-access"]["get"]
    assert asked["security"] == [{"bearerAuth": []}] and asked["summary"]
    assert {p["name"] for p in asked["parameters"]} == {"email", "requester_id"}
    answer = asked["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    document = spec["components"]["schemas"][answer.rsplit("/", 1)[1]]["properties"]
    assert {"complete", "missing", "services", "request", "generated_at"} <= set(document)
