"""Parse an NDJSON batch line by line; invalid lines get their reason and go to the DLQ."""
import json

from marshmallow import ValidationError

from contracts import make_envelope
from contracts.topics import FEEDBACK_RESPONSES

from ingest_svc.entrypoints.api.schemas import BatchLineIn
from ingest_svc.service_layer.handlers import Conflict, Receipt

MAX_LINES = 10_000
_LINE = BatchLineIn()  # reused: building a schema per line would dominate the batch's cost


class TooManyLines(ValueError):
    pass


def parse_line(raw: bytes):
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationError({"_line": ["Not valid UTF-8."]}) from None
    except ValueError:
        raise ValidationError({"_line": ["Not valid JSON."]}) from None
    if not isinstance(doc, dict):
        raise ValidationError({"_line": ["Each line must be a JSON object."]})
    return _LINE.load(doc)


def rejected(raw: bytes, errors: dict, reason: str):
    return make_envelope("message.rejected", {
        "topic": FEEDBACK_RESPONSES, "key": None, "value": raw.decode("utf-8", "replace")[:100_000],
        "reason": reason, "errors": errors, "rejected_by": "ingest-svc"}, "ingest-svc")


def run(body: bytes, source: str, bus) -> dict:
    from ingest_svc.entrypoints.api.responses import to_command
    lines = [line for line in body.split(b"\n") if line.strip()]
    if len(lines) > MAX_LINES:
        raise TooManyLines(f"A batch holds at most {MAX_LINES:,} lines; this one has {len(lines):,}.")
    cmds, dead = [], []
    for raw in lines:
        try:
            doc = parse_line(raw)
            key = doc.pop("idempotency_key")
            cmds.append(to_command(doc, source, key))
        except ValidationError as err:
            cmds.append(err)
            dead.append(rejected(raw, err.messages, "invalid line in /v1/responses/batch"))
    results = bus.handle_many(cmds)
    if dead:
        bus.dependencies["delivery"].deliver(dead)
    out, accepted, delivery = [], 0, ""
    for number, result in enumerate(results, start=1):
        if isinstance(result, Receipt):
            accepted += 1
            delivery = result.delivery
            out.append({"line": number, "status": "accepted", "response_id": result.response_id,
                        "version": result.version})
        else:
            errors = result.messages if isinstance(result, ValidationError) else {
                "idempotency_key": [str(result)]} if isinstance(result, Conflict) else {"_line": [str(result)]}
            out.append({"line": number, "status": "rejected", "errors": errors})
    return {"accepted": accepted, "rejected": len(out) - accepted, "delivery": delivery, "results": out}
