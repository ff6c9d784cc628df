"""Parameters: defaults applied, values typed, bad values refused with a message naming the problem."""

from __future__ import annotations

import pytest
from vigie.core.errors import UsageError
from vigie.runtime.params import Config, coerce, parse_assignments, resolve_config

PARAMS = [
    {"name": "sep", "type": "SEPARATOR"},
    {"name": "n", "type": "INT", "defaultValue": 5, "minI": 1, "maxI": 10},
    {"name": "rate", "type": "DOUBLE", "defaultValue": 0.5, "minD": 0.0, "maxD": 1.0},
    {"name": "on", "type": "BOOLEAN", "defaultValue": True},
    {"name": "kind", "type": "SELECT", "defaultValue": "x", "selectChoices": [{"value": "x"}, {"value": "y"}]},
    {"name": "kinds", "type": "MULTISELECT", "selectChoices": [{"value": "x"}, {"value": "y"}]},
    {"name": "kv", "type": "MAP"},
    {"name": "needed", "type": "STRING", "mandatory": True},
]


def test_defaults_fill_in_and_strings_are_typed():
    config = resolve_config(PARAMS, {"needed": "yes", "n": "7", "on": "false", "kinds": "x,y", "kv": '{"a": 1}'},
                            "recipe r")
    assert config == {"n": 7, "rate": 0.5, "on": False, "kind": "x", "kinds": ["x", "y"], "kv": {"a": 1},
                      "needed": "yes"}


def test_dss_json_values_pass_through_and_int_as_double_is_accepted():
    config = resolve_config(PARAMS, {"needed": "yes", "n": 3.0, "rate": 1, "kinds": ["y"]}, "recipe r")
    assert config["n"] == 3 and isinstance(config["n"], int) and config["rate"] == 1.0 and config["kinds"] == ["y"]


@pytest.mark.parametrize("given, message", [
    ({"needed": "a", "n": "abc"}, "parameter n expects an integer, got 'abc'"),
    ({"needed": "a", "n": "0"}, "parameter n must be between 1 and 10, got 0"),
    ({"needed": "a", "rate": "2"}, "parameter rate must be between 0.0 and 1.0, got 2.0"),
    ({"needed": "a", "on": "maybe"}, "parameter on expects true or false"),
    ({"needed": "a", "kind": "z"}, "parameter kind must be one of x, y"),
    ({"needed": "a", "kinds": "x,z"}, "parameter kinds accepts only x, y, got z"),
    ({"needed": "a", "kv": "{oops"}, "parameter kv expects JSON"),
    ({"needed": "a", "bogus": "1"}, "recipe r: unknown parameter bogus"),
    ({}, "recipe r: parameter needed is mandatory"),
])
def test_bad_values_are_refused_with_the_problem_named(given, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_config(PARAMS, given, "recipe r")


def test_boolean_spellings():
    spec = {"name": "b", "type": "BOOLEAN"}
    assert [coerce(spec, v) for v in ("true", "1", "yes", "False", "0", "no")] == [True] * 3 + [False] * 3


def test_assignments_need_key_and_equal_sign():
    assert parse_assignments(["a=1", "b=x=y", "c="], "--param") == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(UsageError, match="--param must be written KEY=VALUE, got 'oops'"):
        parse_assignments(["oops"], "--param")


def test_config_refuses_undeclared_reads():
    config = Config({"n": 1}, "recipe r")
    assert config["n"] == 1 and dict(config) == {"n": 1}
    with pytest.raises(KeyError, match="does not declare"):
        config["m"]
