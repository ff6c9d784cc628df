"""Flows: dependency order, skipping up-to-date steps, re-running on changed parameters or inputs, --force."""

from __future__ import annotations

import os
import time

import pandas as pd
import pytest
import yaml
from vigie.cli import main
from vigie.core.errors import UsageError
from vigie.runtime.flow import execution_order, load_flow, parse_flow, run_flow
from vigie.runtime.local import LocalProject

FLOW = {
    "name": "toy",
    "steps": [  # listed out of order on purpose: 'second' reads what 'first' writes
        {"name": "second", "recipe": "toy-copy", "inputs": {"rows": "mid"}, "outputs": {"copy": "final"},
         "params": {"factor": 2}},
        {"name": "first", "recipe": "toy-copy", "inputs": {"rows": "rows"}, "outputs": {"copy": "mid"},
         "params": {"factor": 3}},
    ],
}


@pytest.fixture
def setup(tmp_path, toy_plugin):
    project = LocalProject(tmp_path / "proj")
    project.output_dataset("rows").write(pd.DataFrame({"value": [1, 2]}))
    path = tmp_path / "flow.yaml"
    path.write_text(yaml.safe_dump(FLOW))
    return project, path


def statuses(outcomes):
    return [(o.step.name, o.status) for o in outcomes]


def test_steps_run_in_dependency_order_then_are_skipped(setup):
    project, path = setup
    flow = load_flow(path)
    assert [s.name for s in execution_order(flow)] == ["first", "second"]
    assert statuses(run_flow(flow, project)) == [("first", "ran"), ("second", "ran")]
    assert project.input_dataset("final").read()["value"].tolist() == [6, 12]
    assert statuses(run_flow(flow, project)) == [("first", "skipped"), ("second", "skipped")]
    assert statuses(run_flow(flow, project, force=True)) == [("first", "ran"), ("second", "ran")]


def test_changed_parameter_reruns_the_step_and_what_depends_on_it(setup):
    project, path = setup
    run_flow(load_flow(path), project)
    changed = dict(FLOW, steps=[FLOW["steps"][0], dict(FLOW["steps"][1], params={"factor": 4})])
    assert statuses(run_flow(parse_flow(changed, "changed"), project)) == [("first", "ran"), ("second", "ran")]
    assert project.input_dataset("final").read()["value"].tolist() == [8, 16]


def test_newer_input_reruns_only_downstream(setup):
    project, path = setup
    run_flow(load_flow(path), project)
    time.sleep(0.01)
    mid = project.dataset_path("mid")
    later = time.time() + 5
    os.utime(mid, (later, later))
    assert statuses(run_flow(load_flow(path), project)) == [("first", "skipped"), ("second", "ran")]


def test_failed_step_is_not_taken_as_up_to_date(setup, monkeypatch):
    from vigie.runtime import registry
    project, path = setup
    run_flow(load_flow(path), project)
    with monkeypatch.context() as patch:
        patch.setitem(registry.HANDLERS["recipe"], "toy-copy", "toy_handlers:reads_undeclared")
        with pytest.raises(KeyError):
            run_flow(load_flow(path), project, force=True)
    assert statuses(run_flow(load_flow(path), project))[0] == ("first", "ran")


@pytest.mark.parametrize("data, message", [
    ({"steps": []}, "non-empty 'steps'"),
    ({"steps": [{"name": "a"}]}, "needs a 'recipe'"),
    ({"steps": [{"recipe": "x", "colour": 1}]}, "unknown key colour"),
    ({"steps": [{"recipe": "x", "name": "a"}, {"recipe": "y", "name": "a"}]}, "duplicate step name a"),
    ({"steps": [{"recipe": "x", "outputs": {"o": 3}}]}, "expected a name or a list of names"),
])
def test_malformed_flows_are_refused(data, message):
    with pytest.raises(UsageError, match=message):
        parse_flow(data, "f.yaml")


def test_cycles_and_double_writers_are_refused():
    cycle = parse_flow({"steps": [{"name": "a", "recipe": "r", "inputs": {"i": "x"}, "outputs": {"o": "y"}},
                                  {"name": "b", "recipe": "r", "inputs": {"i": "y"}, "outputs": {"o": "x"}}]}, "c")
    with pytest.raises(UsageError, match="cycle"):
        execution_order(cycle)
    double = parse_flow({"steps": [{"name": "a", "recipe": "r", "outputs": {"o": "x"}},
                                   {"name": "b", "recipe": "r", "outputs": {"o": "x"}}]}, "d")
    with pytest.raises(UsageError, match="x is written by both a and b"):
        execution_order(double)


def test_flow_cli(setup, capsys):
    project, path = setup
    assert main(["flow", "run", str(path), "--project", str(project.root)]) == 0
    assert "2 step(s) ran, 0 up to date" in capsys.readouterr().out
    assert main(["flow", "run", str(path), "--project", str(project.root)]) == 0
    assert "0 step(s) ran, 2 up to date" in capsys.readouterr().out
    assert main(["flow", "run", str(path.with_name("missing.yaml")), "--project", str(project.root)]) == 2
    assert "does not exist" in capsys.readouterr().err
