"""chassis.logs: JSON lines on stderr, and no library writes a survey link's token into them."""
import json
import logging

import pytest

from chassis.logs import configure_logging


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogger("werkzeug").level
    yield
    root.handlers[:], _, _ = saved
    root.setLevel(saved[1])
    logging.getLogger("werkzeug").setLevel(saved[2])


def test_werkzeug_request_lines_with_a_token_path_are_not_logged(restore_logging, capsys):
    configure_logging("ingest-svc", "INFO")
    logging.getLogger("werkzeug").info('127.0.0.1 - - "GET /s/eyJ0b2tlbiI6MX0.sig HTTP/1.1" 200 -')
    logging.getLogger("ingest_svc").info("answer kept", extra={"route": "/s/<token>"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["message"], line["service"]) for line in lines] == [("answer kept", "ingest-svc")]
    assert "eyJ0b2tlbiI6MX0" not in json.dumps(lines)
