"""A fast yes/no check of the case schema, compiled once into Python closures.

jsonschema's full validator finds *every* error with its path, but it takes
about 2 ms per case; most cases are valid. ``compile_schema`` turns the
keyword subset our schema uses into nested closures that only answer "valid?"
(about 20× faster). When it says no, :mod:`.schema` runs jsonschema for the
precise errors. The compiled check is conservative: it may say "invalid" for
an exotic value jsonschema would accept (then jsonschema decides), but never
"valid" for a value jsonschema refuses; a property test compares the two.
"""
from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from typing import Any

from jsonschema import FormatChecker

Check = Callable[[Any], bool]

#: Keywords that carry no constraint.
ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description", "default", "examples", "$comment"}
SUPPORTED = ANNOTATIONS | {
    "type", "enum", "pattern", "format", "maxLength", "minLength", "minItems", "maxItems", "minimum",
    "maximum", "required", "properties", "additionalProperties", "unevaluatedProperties", "anyOf", "$ref", "items",
}


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not handle (callers fall back to jsonschema)."""


def _is_type(name: str) -> Check:
    if name == "object":
        return lambda v: isinstance(v, dict)
    if name == "array":
        return lambda v: isinstance(v, list)
    if name == "string":
        return lambda v: isinstance(v, str)
    if name == "null":
        return lambda v: v is None
    if name == "boolean":
        return lambda v: isinstance(v, bool)
    if name == "integer":  # conservative: integral floats go to jsonschema
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if name == "number":
        return lambda v: isinstance(v, numbers.Number) and not isinstance(v, bool)
    raise Unsupported(f"type {name!r}")


class _Compiler:
    def __init__(self, root: dict[str, Any], formats: FormatChecker) -> None:
        self.root = root
        self.formats = formats
        self.refs: dict[str, Check] = {}
        self.compiling: set[str] = set()

    def resolve(self, ref: str) -> dict[str, Any]:
        """The subschema a local ``#/...`` reference points at."""
        if not ref.startswith("#/"):
            raise Unsupported(f"$ref {ref!r}")
        node: Any = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def ref(self, ref: str) -> Check:
        """The compiled target of ``ref``; a recursive reference is looked up late."""
        if ref in self.compiling:
            return lambda v: self.refs[ref](v)
        if ref not in self.refs:
            self.compiling.add(ref)
            self.refs[ref] = self.compile(self.resolve(ref))
            self.compiling.discard(ref)
        return self.refs[ref]

    def known_keys(self, schema: dict[str, Any]) -> set[str]:
        """Properties a schema evaluates statically (own and through $ref), for unevaluatedProperties."""
        keys = set(schema.get("properties", {}))
        if "$ref" in schema:
            target = self.resolve(schema["$ref"])
            if any(k in target for k in ("anyOf", "oneOf", "allOf", "if", "patternProperties",
                                         "additionalProperties", "dependentSchemas")):
                raise Unsupported("unevaluatedProperties through a dynamic $ref")
            keys |= self.known_keys(target)
        return keys

    def compile(self, schema: Any) -> Check:  # noqa: C901 (one branch per keyword, read top to bottom)
        """One check for ``schema``: every keyword becomes a closure, all must pass."""
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        unknown = set(schema) - SUPPORTED
        if unknown:
            raise Unsupported(", ".join(sorted(unknown)))
        checks: list[Check] = []
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            plain = {"object": dict, "array": list, "string": str, "null": type(None), "boolean": bool}
            if all(n in plain for n in names):
                types = tuple(plain[n] for n in names)
                checks.append(lambda v, types=types: isinstance(v, types))
            else:
                tests = [_is_type(n) for n in names]
                checks.append(lambda v, tests=tests: any(t(v) for t in tests))
        if "enum" in schema:
            allowed = list(schema["enum"])
            checks.append(lambda v, allowed=allowed: any(type(v) is type(a) and v == a for a in allowed))
        if "pattern" in schema:
            search = re.compile(schema["pattern"]).search
            checks.append(lambda v, search=search: not isinstance(v, str) or search(v) is not None)
        if "format" in schema:
            fmt, conforms = schema["format"], self.formats.conforms
            checks.append(lambda v, fmt=fmt: conforms(v, fmt))
        if "maxLength" in schema:
            n = schema["maxLength"]
            checks.append(lambda v, n=n: not isinstance(v, str) or len(v) <= n)
        if "minLength" in schema:
            n = schema["minLength"]
            checks.append(lambda v, n=n: not isinstance(v, str) or len(v) >= n)
        if "maxItems" in schema:
            n = schema["maxItems"]
            checks.append(lambda v, n=n: not isinstance(v, list) or len(v) <= n)
        if "minItems" in schema:
            n = schema["minItems"]
            checks.append(lambda v, n=n: not isinstance(v, list) or len(v) >= n)
        is_number = _is_type("number")
        if "minimum" in schema:
            n = schema["minimum"]
            checks.append(lambda v, n=n: not is_number(v) or v >= n)
        if "maximum" in schema:
            n = schema["maximum"]
            checks.append(lambda v, n=n: not is_number(v) or v <= n)
        if "required" in schema:
            required = tuple(schema["required"])
            checks.append(lambda v, r=required: not isinstance(v, dict) or all(k in v for k in r))
        if "properties" in schema:
            props = {k: self.compile(s) for k, s in schema["properties"].items()}
            checks.append(_properties(props))
        closed: set[str] | None = None
        if schema.get("additionalProperties") is False:
            closed = set(schema.get("properties", {}))
        elif "additionalProperties" in schema:
            raise Unsupported("additionalProperties other than false")
        if schema.get("unevaluatedProperties") is False:
            closed = self.known_keys(schema)
        elif "unevaluatedProperties" in schema:
            raise Unsupported("unevaluatedProperties other than false")
        if closed is not None:
            checks.append(lambda v, keys=frozenset(closed): not isinstance(v, dict) or keys.issuperset(v))
        if "items" in schema:
            item = self.compile(schema["items"])
            checks.append(lambda v, item=item: not isinstance(v, list) or all(item(x) for x in v))
        if "anyOf" in schema:
            checks.append(self._any_of(schema["anyOf"]))
        if "$ref" in schema:
            checks.append(self.ref(schema["$ref"]))
        return _all(checks)


    def _any_of(self, branches: list[Any]) -> Check:
        """anyOf; the frequent "X or null" is a plain ``None`` test before X."""
        nullable = {"type": "null"} in branches
        rest = [self.compile(b) for b in branches if b != {"type": "null"}]
        if nullable and len(rest) == 1:
            only = rest[0]
            return lambda v: v is None or only(v)
        if nullable:
            rest.insert(0, lambda v: v is None)
        frozen = tuple(rest)

        def check(value: Any) -> bool:
            for branch in frozen:
                if branch(value):
                    return True
            return False

        return check


def _all(checks: list[Check]) -> Check:
    """One check that passes when every one of ``checks`` passes (a plain loop: fastest in CPython)."""
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def check(value: Any) -> bool:
        for one in frozen:
            if not one(value):
                return False
        return True

    return check


def _properties(props: dict[str, Check]) -> Check:
    """Each present key that has a subschema must pass it."""

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for key, item in value.items():
            sub = props.get(key)
            if sub is not None and not sub(item):
                return False
        return True

    return check


def compile_schema(schema: dict[str, Any], formats: FormatChecker) -> Check:
    """A conservative ``is_valid`` for ``schema``; raises :class:`Unsupported` for keywords it lacks."""
    return _Compiler(schema, formats).compile(schema)
