"""Export one JSON Schema (2020-12) per event, envelope included, for non-Python consumers."""
import json
import sys
from pathlib import Path

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from contracts.envelope import EnvelopeSchema
from contracts.personal import TOKEN_PATTERN, Sealable
from contracts.registry import EVENTS

SCHEMA_DIR = Path(__file__).parent / "jsonschema"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def sealable2properties(converter, field, **_kwargs) -> dict:
    """A personal field: its plaintext's rules, or a sealed token (contracts.personal)."""
    if not isinstance(field, Sealable):
        return {}
    plain = {key: value for key, value in converter.field2property(field.inner).items()
             if key not in ("type", "default")}
    return {"anyOf": [plain, {"pattern": TOKEN_PATTERN, "maxLength": field.max_token}]}


def _components(schema_cls) -> dict:
    plugin = MarshmallowPlugin()
    spec = APISpec("contracts", "1", "3.1.0", plugins=[plugin])
    plugin.converter.add_attribute_function(sealable2properties)
    spec.components.schema(schema_cls.__name__, schema=schema_cls)
    text = json.dumps(spec.to_dict()["components"]["schemas"])
    return json.loads(text.replace("#/components/schemas/", "#/$defs/"))


def json_schema(event_type: str) -> dict:
    spec = EVENTS[event_type]
    defs = _components(spec.schema)
    envelope = _components(EnvelopeSchema)["EnvelopeSchema"]
    envelope["properties"]["event_type"] = {"const": event_type}
    envelope["properties"]["data"] = {"$ref": f"#/$defs/{spec.schema.__name__}"}
    return {"$schema": DIALECT, "$id": f"urn:feedback-suite:event:{event_type}:v{spec.version}",
            "title": event_type, "x-topic": spec.topic, "x-key": spec.key_field,
            **envelope, "$defs": defs}


def render_all() -> dict[str, str]:
    return {f"{name}.json": json.dumps(json_schema(name), indent=2, sort_keys=True) + "\n"
            for name in sorted(EVENTS)}


def main() -> int:
    """Write contracts/jsonschema/*.json; `--check` exits 1 when the committed files are stale."""
    check = "--check" in sys.argv[1:]
    stale = []
    for name, text in render_all().items():
        path = SCHEMA_DIR / name
        if path.exists() and path.read_text() == text:
            continue
        stale.append(name)
        if not check:
            path.write_text(text)
    if check and stale:
        print(f"stale JSON Schema files: {', '.join(stale)}; run contracts-export", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
