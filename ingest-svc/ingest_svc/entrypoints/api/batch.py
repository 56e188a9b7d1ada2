"""Parse an NDJSON batch line by line; invalid lines get their reason and go to the DLQ."""
import json

from marshmallow import ValidationError

from ingest_svc.domain import commands
from ingest_svc.entrypoints.api.schemas import BatchLineIn
from ingest_svc.entrypoints.api.translate import to_command
from ingest_svc.service_layer.answers import Conflict, InvitationMismatch, Receipt

MAX_LINES = 10_000
_LINE = BatchLineIn()  # reused: building a schema per line would dominate the batch's cost


class TooManyLines(ValueError):
    pass


class EmptyBatch(ValueError):
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


def run(body: bytes, source: str, bus) -> dict:
    lines = [line for line in body.split(b"\n") if line.strip()]
    if not lines:
        raise EmptyBatch("A batch holds at least one line.")
    if len(lines) > MAX_LINES:
        raise TooManyLines(f"A batch holds at most {MAX_LINES:,} lines; this one has {len(lines):,}.")
    parsed, dead = [], []  # per line: its command, or why it was refused
    for raw in lines:
        try:
            doc = parse_line(raw)
            key = doc.pop("idempotency_key")
            parsed.append(to_command(doc, source, key))
        except ValidationError as err:
            parsed.append(err)
            dead.append((raw, err.messages))
    outcomes = iter(bus.handle(commands.SubmitAnswers(
        tuple(item for item in parsed if not isinstance(item, ValidationError)))))
    if dead:
        bus.handle(commands.DeadLetterInput(tuple(dead), "invalid line in /v1/responses/batch"))
    return summary([item if isinstance(item, ValidationError) else next(outcomes) for item in parsed])


def summary(results: list) -> dict:
    """The response body: one entry per line, in order."""
    out, accepted, delivery = [], 0, ""
    for number, result in enumerate(results, start=1):
        if isinstance(result, Receipt):
            accepted += 1
            delivery = result.delivery
            out.append({"line": number, "status": "accepted", "response_id": result.response_id,
                        "version": result.version})
        else:
            out.append({"line": number, "status": "rejected", "errors": line_errors(result)})
    return {"accepted": accepted, "rejected": len(out) - accepted, "delivery": delivery, "results": out}


def line_errors(refusal: Exception) -> dict:
    """Why a line was refused, by field."""
    if isinstance(refusal, ValidationError):
        return refusal.messages
    if isinstance(refusal, InvitationMismatch):
        return refusal.errors
    if isinstance(refusal, Conflict):
        return {"idempotency_key": [str(refusal)]}
    return {"_line": [str(refusal)]}
