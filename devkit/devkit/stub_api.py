"""A local HTTP API on a free port that answers from a handler and records every request.

    api = StubApi(lambda req: (200, {"result": []})).start()
    ...  # point a client at api.url
    [seen] = api.requests            # Seen(method, path, query, headers, body)
    api.stop()

The handler gets a werkzeug Request and returns (status, json_body) or (status, json_body,
headers); a body of None answers empty. Tests and benchmarks use it to stand in for a service
desk's REST API with the vendor's documented answers.
"""
import json
import threading
from dataclasses import dataclass
from typing import Callable

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from devkit.procs import free_port


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class StubApi:
    def __init__(self, handler: Callable, port: int | None = None, record: bool = True):
        self.handler, self.record = handler, record
        self.port = port or free_port()
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", self.port, self._app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name=f"stub-api-{self.port}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "StubApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(10)

    def _app(self, environ, start_response):
        request = Request(environ)
        body = request.get_data()
        if self.record:
            seen = Seen(request.method, request.path, request.args.to_dict(flat=False),
                        dict(request.headers), body)
            with self._lock:
                self.requests.append(seen)
        status, payload, *rest = self.handler(request)
        headers = rest[0] if rest else {}
        text = "" if payload is None else json.dumps(payload)
        response = Response(text, status=status, headers=headers,
                            mimetype="application/json" if payload is not None else None)
        return response(environ, start_response)
