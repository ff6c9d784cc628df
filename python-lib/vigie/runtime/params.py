"""Parameters as DSS declares them: documented types, defaults, and checked coercion of user-given values.

Values reach a component from three places: DSS's JSON configuration, a flow file (YAML), or `--param K=V` on the
command line (strings). All go through `resolve_config`, so a recipe sees the same typed values everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from vigie.core.errors import UsageError

BASIC_TYPES = {"BOOLEAN", "DATE", "DOUBLE", "DOUBLES", "INT", "INTS", "PASSWORD", "STRING", "STRINGS", "TEXTAREA"}
STRUCTURED_TYPES = {"ARRAY", "KEY_VALUE_LIST", "MAP", "MULTISELECT", "OBJECT_LIST", "SELECT"}
DSS_OBJECT_TYPES = {
    "API_SERVICE", "API_SERVICE_VERSION", "BUNDLE", "CLUSTER", "CODE_ENV", "COLUMN", "COLUMNS", "CONNECTION",
    "CONNECTIONS", "DATASET", "DATASET_COLUMN", "DATASET_COLUMNS", "DATASETS", "LLM", "KNOWLEDGE_BANK",
    "MANAGED_FOLDER", "ML_TASK", "PLUGIN", "PROJECT", "SAVED_MODEL", "SCENARIO", "VISUAL_ANALYSIS", "FOLDER",
}
OTHER_TYPES = {"CREDENTIAL_REQUEST", "PRESET", "PRESETS", "SEPARATOR"}
DOCUMENTED_TYPES = BASIC_TYPES | STRUCTURED_TYPES | DSS_OBJECT_TYPES | OTHER_TYPES

_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


def value_params(params: list[dict]) -> dict[str, dict]:
    """The declared parameters that carry a value (separators excluded), by name."""
    return {p["name"]: p for p in params if p.get("type") != "SEPARATOR" and "name" in p}


def _split_list(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    text = str(value).strip()
    if text.startswith("["):
        return json.loads(text)
    return [v.strip() for v in text.split(",") if v.strip()]


def _choices(spec: dict) -> list[str]:
    return [c["value"] for c in spec.get("selectChoices", [])]


def _to_int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise UsageError(f"parameter {name} expects an integer, got {value!r}")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise UsageError(f"parameter {name} expects an integer, got {value!r}") from None


def _to_float(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise UsageError(f"parameter {name} expects a number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise UsageError(f"parameter {name} expects a number, got {value!r}") from None


def _check_range(name: str, value: float, low: Any, high: Any) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if low is not None and high is not None else (
            f">= {low}" if low is not None else f"<= {high}")
        raise UsageError(f"parameter {name} must be {bounds}, got {value}")


def coerce(spec: dict, value: Any) -> Any:
    """A value for one declared parameter, typed and checked against its range or choices."""
    name, kind = spec["name"], spec.get("type", "STRING")
    if kind == "BOOLEAN":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise UsageError(f"parameter {name} expects true or false, got {value!r}")
    if kind == "INT":
        number = _to_int(name, value)
        _check_range(name, number, spec.get("minI"), spec.get("maxI"))
        return number
    if kind == "DOUBLE":
        number = _to_float(name, value)
        _check_range(name, number, spec.get("minD"), spec.get("maxD"))
        return number
    if kind == "INTS":
        return [_to_int(name, v) for v in _split_list(value)]
    if kind == "DOUBLES":
        return [_to_float(name, v) for v in _split_list(value)]
    if kind in ("STRINGS", "COLUMNS", "DATASETS", "DATASET_COLUMNS"):
        return [str(v) for v in _split_list(value)]
    if kind == "SELECT":
        text = str(value)
        allowed = _choices(spec)
        if allowed and not spec.get("getChoicesFromPython") and text not in allowed:
            raise UsageError(f"parameter {name} must be one of {', '.join(allowed)}, got {text!r}")
        return text
    if kind == "MULTISELECT":
        values = [str(v) for v in _split_list(value)]
        allowed = _choices(spec)
        bad = [v for v in values if allowed and v not in allowed]
        if bad:
            raise UsageError(f"parameter {name} accepts only {', '.join(allowed)}, got {', '.join(bad)}")
        return values
    if kind in ("MAP", "KEY_VALUE_LIST", "OBJECT_LIST", "ARRAY"):
        if isinstance(value, (dict, list)):
            return value
        try:
            return json.loads(str(value))
        except json.JSONDecodeError:
            raise UsageError(f"parameter {name} expects JSON, got {value!r}") from None
    if kind == "DATE":
        try:
            return dt.date.fromisoformat(str(value)[:10]).isoformat()
        except ValueError:
            raise UsageError(f"parameter {name} expects a date YYYY-MM-DD, got {value!r}") from None
    return value if isinstance(value, str) else str(value)


def resolve_config(params: list[dict], given: Mapping[str, Any], component: str) -> dict[str, Any]:
    """Declared defaults overlaid with the given values; unknown or missing mandatory parameters are refused."""
    declared = value_params(params)
    unknown = sorted(set(given) - set(declared))
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise UsageError(f"{component}: unknown parameter {', '.join(unknown)} (declared: {known})")
    config: dict[str, Any] = {}
    for name, spec in declared.items():
        if name in given and given[name] is not None:
            config[name] = coerce(spec, given[name])
        elif "defaultValue" in spec:
            config[name] = coerce(spec, spec["defaultValue"])
        elif spec.get("mandatory"):
            raise UsageError(f"{component}: parameter {name} is mandatory")
        else:
            config[name] = None
    return config


def parse_assignments(pairs: list[str], what: str) -> dict[str, str]:
    """`K=V` strings from the command line as a dict; a malformed one is a usage error."""
    result: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{what} must be written KEY=VALUE, got {pair!r}")
        result[key.strip()] = value
    return result


class Config(Mapping):
    """A component's configuration: reading a parameter the descriptor does not declare is a bug, so it raises."""

    def __init__(self, values: Mapping[str, Any], component: str):
        self._values = dict(values)
        self._component = component

    def __getitem__(self, key: str) -> Any:
        if key not in self._values:
            raise KeyError(f"{self._component} reads parameter '{key}', which its descriptor does not declare")
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Config({self._values!r})"
