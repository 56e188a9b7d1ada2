"""Rate limits counted in a real Redis: two replicas share one bucket; 429 carries Retry-After;
only the configured number of proxies is believed."""
import time
from dataclasses import dataclass

import pytest
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.limits import install_limits, limit_blueprint
from chassis.web import create_service_app
from devkit.testing import free_port

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class S:
    rate_limit_storage_uri: str
    trusted_proxy_hops: int = 0


def replica(storage: str, hops: int = 0, prefix: str = "t"):
    app, api = create_service_app("demo", settings=None, title="Demo")
    blp = Blueprint(f"door", __name__, url_prefix="/door")

    @blp.route("")
    class Door(MethodView):
        def post(self):
            """A public door."""
            return {"ok": True}

    api.register_blueprint(blp)
    limiter = install_limits(app, S(storage, hops), prefix)
    limit_blueprint(limiter, blp, "3 per minute")
    return app.test_client()


def test_replicas_share_one_count_in_redis(redis_url):
    prefix = f"share-{time.monotonic_ns()}"
    a, b = replica(redis_url, prefix=prefix), replica(redis_url, prefix=prefix)
    codes = [c.post("/door").status_code for c in (a, b, a)]
    assert codes == [200, 200, 200]
    refused = b.post("/door")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json["code"] == 429  # the one error shape


def test_memory_store_counts_per_replica():
    a, b = replica("memory://"), replica("memory://")
    assert [a.post("/door").status_code for _ in range(3)] == [200] * 3
    assert a.post("/door").status_code == 429
    assert b.post("/door").status_code == 200


def test_behind_one_proxy_each_client_has_its_own_bucket(redis_url):
    client = replica(redis_url, hops=1, prefix=f"proxy-{time.monotonic_ns()}")
    for _ in range(3):
        assert client.post("/door", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    assert client.post("/door", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    assert client.post("/door", headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 200


def test_without_trusted_proxies_a_forged_header_changes_nothing(redis_url):
    client = replica(redis_url, hops=0, prefix=f"forged-{time.monotonic_ns()}")
    for n in range(3):
        assert client.post("/door", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code == 200
    assert client.post("/door", headers={"X-Forwarded-For": "198.51.100.99"}).status_code == 429


def _hot_replica(storage: str, prefix: str):
    from chassis.limits import limit_hot_path
    app, api = create_service_app("demo", settings=None, title="Demo")
    blp = Blueprint("api", __name__, url_prefix="/api")

    @blp.route("")
    class Api(MethodView):
        def post(self):
            """A busy API."""
            return {"ok": True}

    api.register_blueprint(blp)
    install_limits(app, S(storage), prefix)
    limit_hot_path(app, blp, "3 per minute", lambda: "source:phone")
    return app.test_client()


def test_hot_path_limits_share_redis_and_answer_429_with_retry_after(redis_url):
    prefix = f"hot-{time.monotonic_ns()}"
    a, b = _hot_replica(redis_url, prefix), _hot_replica(redis_url, prefix)
    assert [c.post("/api").status_code for c in (a, b, a)] == [200, 200, 200]
    refused = b.post("/api")
    assert refused.status_code == 429 and refused.json["code"] == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert a.get("/healthz").status_code == 200  # other blueprints are not counted


def test_hot_path_lets_requests_through_when_the_store_is_down():
    client = _hot_replica(f"redis://127.0.0.1:{free_port()}", "down")
    assert [client.post("/api").status_code for _ in range(5)] == [200] * 5


def test_hot_path_in_memory_refuses_past_the_limit():
    client = _hot_replica("memory://", "mem")
    assert [client.post("/api").status_code for _ in range(4)] == [200, 200, 200, 429]
