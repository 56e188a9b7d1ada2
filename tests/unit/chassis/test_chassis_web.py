from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from chassis.web import create_service_app


class ThingSchema(Schema):
    name = fields.String(required=True)
    count = fields.Integer(required=True)


def make_app(ready=True):
    def check():
        if not ready:
            raise ConnectionError("down")
    app, api = create_service_app("demo", settings=None, title="Demo", readiness={"kafka": check})
    blp = Blueprint("things", __name__, url_prefix="/v1/things")

    @blp.route("")
    class Things(MethodView):
        @blp.arguments(ThingSchema)
        @blp.response(201, ThingSchema)
        def post(self, thing):
            """Create a thing."""
            return thing

    @blp.route("/boom")
    class Boom(MethodView):
        def get(self):
            """Fail."""
            raise RuntimeError("secret detail")

    api.register_blueprint(blp)
    return app


def test_health_and_readiness():
    client = make_app().test_client()
    assert client.get("/healthz").json["status"] == "ok"
    assert client.get("/readyz").status_code == 200
    down = make_app(ready=False).test_client().get("/readyz")
    assert down.status_code == 503
    assert down.json["checks"] == {"kafka": "unavailable: ConnectionError"}


def test_every_error_has_one_shape():
    client = make_app().test_client()
    bad = client.post("/v1/things", json={"name": 3})
    assert bad.status_code == 400
    assert set(bad.json) == {"code", "status", "message", "errors"}
    assert set(bad.json["errors"]["json"]) == {"name", "count"}
    missing = client.get("/nope")
    assert missing.status_code == 404 and missing.json["code"] == 404 and missing.json["message"]
    assert client.delete("/v1/things").json["code"] == 405
    crash = client.get("/v1/things/boom")
    assert crash.status_code == 500 and "secret detail" not in crash.get_data(as_text=True)
    big = client.post("/v1/things", data="x" * (2 * 1024 * 1024), content_type="application/json")
    assert big.status_code == 413 and big.json["code"] == 413


def test_openapi_metrics_and_security_headers():
    client = make_app().test_client()
    spec = client.get("/openapi.json").json
    assert {"/healthz", "/readyz", "/metrics", "/v1/things"} <= set(spec["paths"])
    assert spec["paths"]["/v1/things"]["post"]["summary"] == "Create a thing."
    client.post("/v1/things", json={"name": "a", "count": 1})
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'http_requests_total{endpoint="/v1/things",method="POST",service="demo",status="201"}' in metrics
    headers = client.get("/healthz").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"


def test_sessions_round_trip_and_a_request_without_cookies_starts_empty():
    from flask import session
    app = make_app()
    app.secret_key = "test-secret"

    @app.route("/count", methods=["POST"])
    def count():
        session["n"] = session.get("n", 0) + 1
        return {"n": session["n"]}
    client = app.test_client()
    assert [client.post("/count").json["n"] for _ in range(3)] == [1, 2, 3]
    assert app.test_client().post("/count").json["n"] == 1
    client.set_cookie("session", "forged", domain="localhost")
    assert client.post("/count").json["n"] == 1


def test_security_headers_kept_when_a_view_set_its_own():
    app = make_app()

    @app.route("/framed")
    def framed():
        return "ok", 200, {"X-Frame-Options": "SAMEORIGIN", "content-security-policy": "default-src 'none'"}
    headers = app.test_client().get("/framed").headers
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert headers["Referrer-Policy"] == "no-referrer"


def test_unavailable_broker_or_database_is_503_with_retry_after():
    from flask.views import MethodView as View
    from sqlalchemy.exc import OperationalError

    from chassis.kafka import PublishError
    app, api = create_service_app("demo", settings=None, title="Demo")
    blp = Blueprint("down", __name__, url_prefix="/down")
    failures = {"broker": PublishError("timed out"), "db": OperationalError("x", {}, Exception()),
                "disk": OSError(28, "No space left")}

    @blp.route("/<what>")
    class Down(View):
        def get(self, what):
            """Fail as a dependency would."""
            raise failures[what]

    api.register_blueprint(blp)
    client = app.test_client()
    for what in failures:
        got = client.get(f"/down/{what}")
        assert got.status_code == 503, what
        assert got.headers["Retry-After"] == "5"
        assert set(got.json) == {"code", "status", "message"}


def test_hooks_of_any_kind_still_run_once_plain_functions_are_remembered():
    from flask import after_this_request

    app = make_app()
    seen = []

    class Unhashable:  # a callable hook neither hashable nor weakly referenceable
        __slots__ = ()
        __hash__ = None

        def __call__(self):
            seen.append("unhashable")

    app.before_request(Unhashable())
    app.before_request(lambda: seen.append("function"))

    @app.before_request
    def per_request():
        after_this_request(lambda response: seen.append("after") or response)

    client = app.test_client()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert seen == ["unhashable", "function", "after"] * 3
    assert client.post("/v1/things", json={"name": "x", "count": 1}).status_code == 201
