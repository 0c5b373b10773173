"""Reading a policy file (docs/policy.schema.json): JSON checked against the schema, then by the engine.

Why a schema as well as the engine's own checks: it is the documentation a district's IT office can read
and validate against with any tool, and the one place that says which keys a file may hold. Errors name the
key ("caps_school_day.3-6: ..."), so a typo is found without reading code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from edulite.core.calendar import parse_iso_day
from edulite.core.policy import policy_from_dict

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "policy.schema.json"
# A policy file is a few hundred bytes; anything far larger is the wrong file.
MAX_BYTES = 256 * 1024


class PolicyFileError(ValueError):
    """A policy file that cannot be used; the message names the key."""


@dataclass(frozen=True)
class PolicyFile:
    data: dict[str, Any]  # the policy keys, effective_from taken out
    effective_from: date | None


@cache
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _where(path) -> str:
    return ".".join(str(p) for p in path) or "(the file)"


def check(document: Any) -> PolicyFile:
    """Validate a parsed policy document; PolicyFileError naming the first bad key (in key order)."""
    errors = sorted(validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        first = errors[0]
        # additionalProperties errors sit on the parent: name the unknown key itself.
        if first.validator == "additionalProperties" and isinstance(first.instance, dict):
            allowed = first.schema.get("properties", {})
            unknown = [k for k in first.instance if k not in allowed]
            where = _where([*first.absolute_path, unknown[0]]) if unknown else _where(first.absolute_path)
            raise PolicyFileError(f"{where}: unknown key (see docs/policy.schema.json)")
        raise PolicyFileError(f"{_where(first.absolute_path)}: {first.message}")
    data = dict(document)
    effective_text = data.pop("effective_from", None)
    effective = None
    if effective_text is not None:
        effective = parse_iso_day(effective_text)
        if effective is None:
            raise PolicyFileError(f"effective_from: expected a date YYYY-MM-DD from 2000 to 2099, "
                                  f"got {effective_text!r}")
    try:
        policy_from_dict(data)  # the engine's own checks: regular expressions, earliest before latest end
    except ValueError as err:
        raise PolicyFileError(str(err)) from None
    return PolicyFile(data, effective)


def read(path: Path) -> PolicyFile:
    """Read and check a policy file (UTF-8, with or without BOM)."""
    if path.stat().st_size > MAX_BYTES:
        raise PolicyFileError(f"the file is larger than {MAX_BYTES // 1024} KB: is it a policy file?")
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise PolicyFileError("the file is not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise PolicyFileError(f"not JSON: {err.msg} at line {err.lineno}, column {err.colno}") from None
    return check(document)
