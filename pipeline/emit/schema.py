"""The published JSON Schema of the output (pipeline/schema/plan.schema.json).

It is generated from the document model so the two cannot drift apart; a test checks that
the committed file equals what `build_schema()` returns (regenerate with
`python -m pipeline.emit.schema`). Every key is required and no other keys are allowed, so
downstream systems can rely on the shape; missing values are null.
"""

from __future__ import annotations

import json
from functools import cache

import jsonschema

from pipeline import resources
from pipeline.errors import SchemaViolation
from pipeline.model import SCHEMA_NAME, SCHEMA_VERSION, Document, PageRecord

SCHEMA_PATH = resources.location(resources.SCHEMA)  # written by `python -m pipeline.emit.schema`
_PUBLIC_KEYS = list(Document(source={"file": "x", "sha256": "", "kind": "text", "pages": 0})
                    .to_public_json())


def build_schema() -> dict:
    full = Document.model_json_schema(mode="serialization")
    definitions = full.pop("$defs")
    # The public "pages" are PageRecords (Document.pages holds the working data).
    record = PageRecord.model_json_schema(mode="serialization")
    definitions.update(record.pop("$defs", {}))
    definitions["PageRecord"] = record
    full["properties"]["pages"] = {"type": "array", "items": {"$ref": "#/$defs/PageRecord"}}
    properties = {key: full["properties"][key] for key in _PUBLIC_KEYS if key != "schema"}
    properties = {
        "schema": {
            "type": "object",
            "properties": {"name": {"const": SCHEMA_NAME}, "version": {"type": "string"}},
            "required": ["name", "version"],
            "additionalProperties": False,
        },
        **properties,
    }
    for definition in definitions.values():
        _close_object(definition)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://vn-plan-pipeline/schema/plan-{SCHEMA_VERSION}.json",
        "title": "Vietnamese administrative plan (vn-plan-pipeline output)",
        "type": "object",
        "properties": properties,
        "$defs": {name: definitions[name] for name in sorted(definitions)
                  if name not in {"Page", "Line", "Word", "Table", "Cell", "FilledBlank"}},
    }
    _close_object(schema)
    return schema


def _close_object(definition: dict) -> None:
    if definition.get("type") == "object" and "properties" in definition:
        definition["required"] = list(definition["properties"])
        definition["additionalProperties"] = False


@cache
def published_schema() -> dict:
    return json.loads(resources.read_text(resources.SCHEMA))


def validate(payload: dict) -> None:
    """Raise SchemaViolation (a bug, never the user's fault) when `payload` breaks the schema."""
    validator = jsonschema.Draft202012Validator(published_schema())
    error = next(iter(validator.iter_errors(payload)), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        raise SchemaViolation(f"{where}: {error.message}")


if __name__ == "__main__":
    SCHEMA_PATH.write_text(json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n",
                           encoding="utf-8")
