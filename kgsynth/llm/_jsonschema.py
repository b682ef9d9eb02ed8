"""Validate a JSON value against a plain JSON-schema dict (the subset kgsynth's prompts use).

Pydantic validates replies when the schema is a model class. A caller may instead pass a
JSON-schema dict (for example one built per fact path with ``enum`` lists); this module
checks such a dict's subset of keywords. A keyword outside the subset is refused up front
(``unsupported_keywords``) rather than ignored, so a schema is never half-enforced.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: Keywords that only describe and never constrain.
_ANNOTATIONS = frozenset({"title", "description", "default", "examples", "$schema", "$id"})
_CHECKED = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "enum",
        "const",
        "items",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
    }
)
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def unsupported_keywords(schema: dict[str, Any]) -> set[str]:
    """Keywords anywhere in ``schema`` that this validator does not check."""
    found = set(schema) - _CHECKED - _ANNOTATIONS
    for sub in _subschemas(schema):
        found |= unsupported_keywords(sub)
    return found


def _subschemas(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from schema.get("properties", {}).values()
    if isinstance(schema.get("items"), dict):
        yield schema["items"]
    if isinstance(schema.get("additionalProperties"), dict):
        yield schema["additionalProperties"]


def errors(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema``, as ``"<path>: <what>"`` lines (empty if valid)."""
    if "type" in schema and not _has_type(value, schema["type"]):
        return [f"{path}: expected {schema['type']}, got {type(value).__name__}"]
    found: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} is not one of {schema['enum']!r}")
    if "const" in schema and value != schema["const"]:
        found.append(f"{path}: expected {schema['const']!r}")
    found += _bounds(value, schema, path)
    if isinstance(value, dict):
        found += _object_errors(value, schema, path)
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            found += errors(item, schema["items"], f"{path}[{index}]")
    return found


def _has_type(value: Any, expected: str | list[str]) -> bool:
    names = [expected] if isinstance(expected, str) else expected
    for name in names:
        if isinstance(value, bool) and name in ("integer", "number"):
            continue  # JSON true is not a number, though Python's bool is an int
        if isinstance(value, _TYPES.get(name, ())):
            return True
    return False


def _bounds(value: Any, schema: dict[str, Any], path: str) -> list[str]:
    size = len(value) if isinstance(value, str | list) else None
    checks = [
        ("minLength", str, lambda limit: size is not None and size < limit, "shorter than"),
        ("maxLength", str, lambda limit: size is not None and size > limit, "longer than"),
        ("minItems", list, lambda limit: size is not None and size < limit, "fewer items than"),
        ("maxItems", list, lambda limit: size is not None and size > limit, "more items than"),
        ("minimum", (int, float), lambda limit: value < limit, "less than"),
        ("maximum", (int, float), lambda limit: value > limit, "more than"),
    ]
    return [
        f"{path}: {words} {schema[key]}"
        for key, kind, broken, words in checks
        if key in schema and isinstance(value, kind) and broken(schema[key])
    ]


def _object_errors(value: dict[str, Any], schema: dict[str, Any], path: str) -> list[str]:
    properties = schema.get("properties", {})
    found = [f"{path}: missing {name!r}" for name in schema.get("required", []) if name not in value]
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in properties:
            found += errors(item, properties[name], f"{path}.{name}")
        elif extra is False:
            found.append(f"{path}: unexpected {name!r}")
        elif isinstance(extra, dict):
            found += errors(item, extra, f"{path}.{name}")
    return found
