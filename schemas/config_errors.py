"""One line for every problem in a configuration file: which file, which key, what is allowed.

pydantic's ValidationError and PyYAML's errors become a ConfigError (or SourceError) whose message is
'<file>: <key path>: <problem>', e.g. `sources.yaml: sources[1] (my-site).allow_domain: unknown key;
allowed: id, kind, ...`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from schemas.errors import InputError


class ConfigError(InputError, ValueError):
    """params.yaml or sources.yaml cannot be used; the message is one line naming the file and the key."""


class SourceError(ConfigError):
    """A sources file or source entry that cannot be used; the message says which and why."""


def read_yaml(path: Path, error: type[ConfigError]) -> Any:
    """The YAML document in `path`; a syntax error is one `error` line with the line and column."""
    try:
        return yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise error(f"{path}: not valid YAML{at}: {getattr(exc, 'problem', None) or exc}") from None


@contextmanager
def one_line(
    where: str, model: type[BaseModel], doc: Any, error: type[ConfigError] = ConfigError, at: str = ""
) -> Iterator[None]:
    """Re-raise a ValidationError of `model` on `doc` as `error`: '<where>: <key path>: <problem>', the
    key path starting with `at` (where `doc` sits in its file)."""
    try:
        yield
    except ValidationError as exc:
        problems = exc.errors()
        first = problems[0]
        key = ".".join(k for k in (at, _key_path(first["loc"], doc)) if k)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        message = f"{where}: {key + ': ' if key else ''}{_problem(first, model)}{more}"
        raise error(message) from None


def _key_path(loc: tuple, doc: Any) -> str:
    """'sources[1] (my-site).allow_domain': list items by index and, when they have one, by id."""
    key, node = "", doc
    for step in loc:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
            key += f"[{step}]" + (f" ({node['id']})" if isinstance(node, dict) and "id" in node else "")
        elif isinstance(node, dict) or node is None:
            key += f".{step}" if key else str(step)
            node = node.get(step) if isinstance(node, dict) else None
        else:
            break  # a step inside a scalar names a union member, not a key
    return key


# What a wrong value should have been, by the pydantic error type's prefix.
EXPECTED = [
    ("bool_", "true or false"),
    ("int_", "a whole number"),
    ("float_", "a number"),
    ("string_", "a string"),
    ("model_", "a mapping (key: value)"),
    ("dict_", "a mapping (key: value)"),
    ("tuple_", "a list"),
    ("list_", "a list"),
]


def _problem(error: dict, model: type[BaseModel]) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        return f"unknown key; allowed: {', '.join(_allowed(model, error['loc'][:-1]))}"
    if kind == "missing":
        return "missing (required)"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    expected = next((what for prefix, what in EXPECTED if kind.startswith(prefix)), None)
    if expected:
        return f"expected {expected}, got {_shown(value)}"
    return f"{error['msg'].replace('Input should be ', 'expected ', 1)}, got {_shown(value)}"


def _shown(value: Any) -> str:
    if value is None:
        return "null (nothing)"
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list"}
    text = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    return (
        f"{text} ({names.get(type(value), 'a mapping' if isinstance(value, dict) else type(value).__name__)})"
    )


def _allowed(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys of the model that `loc` leads to from `model`."""
    shape: Any = model
    for step in loc:
        shape = _inner(shape, step)
    return list(shape.model_fields) if isinstance(shape, type) and issubclass(shape, BaseModel) else []


def _inner(shape: Any, step: str | int) -> Any:
    if get_origin(shape) in (Union, UnionType):
        shape = next((a for a in get_args(shape) if a is not type(None)), None)
    if isinstance(shape, type) and issubclass(shape, BaseModel):
        field = shape.model_fields.get(step) if isinstance(step, str) else None
        return field.annotation if field else None
    args = get_args(shape)
    return (args[1] if get_origin(shape) is dict else args[0]) if args else None
