"""Flows: recipe steps wired by dataset and folder names, run in dependency order, skipping what is up to date.

A flow file (YAML) is `{name: str, steps: [{name, recipe, inputs: {role: name|[names]}, outputs: {...},
params: {...}}]}`. A step is up to date when all its outputs exist, are newer than all its inputs, and were made
with the same recipe, parameters and Vigie version as now (recorded in `<project>/.vigie/flow-state.json`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import yaml

from vigie import __version__
from vigie.core.errors import UsageError
from vigie.runtime.local import LocalProject
from vigie.runtime.runner import RunSummary, run_recipe


@dataclass
class Step:
    name: str
    recipe: str
    inputs: dict[str, list[str]] = field(default_factory=dict)
    outputs: dict[str, list[str]] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def input_names(self) -> set[str]:
        return {n for names in self.inputs.values() for n in names}

    def output_names(self) -> set[str]:
        return {n for names in self.outputs.values() for n in names}

    def fingerprint(self) -> str:
        """What the step's outputs depend on besides input data: recipe, wiring, parameters, code version."""
        payload = json.dumps([self.recipe, self.inputs, self.outputs, self.params, __version__], sort_keys=True,
                             default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class Flow:
    name: str
    steps: list[Step]


def _names(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise UsageError(f"{where}: expected a name or a list of names, got {value!r}")


def parse_flow(data: Any, source: str) -> Flow:
    """A Flow from parsed YAML, with readable errors for malformed files."""
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list) or not data["steps"]:
        raise UsageError(f"{source}: a flow needs a non-empty 'steps' list")
    steps, seen = [], set()
    for i, raw in enumerate(data["steps"]):
        where = f"{source}: step {i + 1}"
        if not isinstance(raw, dict) or "recipe" not in raw:
            raise UsageError(f"{where}: each step needs a 'recipe'")
        unknown = set(raw) - {"name", "recipe", "inputs", "outputs", "params"}
        if unknown:
            raise UsageError(f"{where}: unknown key {', '.join(sorted(unknown))}")
        name = str(raw.get("name") or raw["recipe"])
        if name in seen:
            raise UsageError(f"{where}: duplicate step name {name}")
        seen.add(name)
        for key in ("inputs", "outputs", "params"):
            if not isinstance(raw.get(key) or {}, dict):
                raise UsageError(f"{where}: '{key}' must be a mapping")
        steps.append(Step(
            name=name, recipe=str(raw["recipe"]),
            inputs={r: _names(v, f"{where} input {r}") for r, v in (raw.get("inputs") or {}).items()},
            outputs={r: _names(v, f"{where} output {r}") for r, v in (raw.get("outputs") or {}).items()},
            params=dict(raw.get("params") or {}),
        ))
    return Flow(name=str(data.get("name") or Path(source).stem), steps=steps)


def load_flow(path: Path | str) -> Flow:
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"flow file {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise UsageError(f"{path} is not valid YAML: {exc}") from exc
    return parse_flow(data, str(path))


def execution_order(flow: Flow) -> list[Step]:
    """Steps sorted so that each runs after the steps producing its inputs; cycles and double writers refused."""
    producer: dict[str, str] = {}
    for step in flow.steps:
        for name in step.output_names():
            if name in producer:
                raise UsageError(f"flow {flow.name}: {name} is written by both {producer[name]} and {step.name}")
            producer[name] = step.name
    by_name = {s.name: s for s in flow.steps}
    deps = {s.name: {producer[n] for n in s.input_names() if n in producer} for s in flow.steps}
    ordered: list[Step] = []
    done: set[str] = set()
    while len(ordered) < len(flow.steps):
        ready = [s for s in flow.steps if s.name not in done and deps[s.name] <= done]
        if not ready:
            stuck = ", ".join(sorted(set(by_name) - done))
            raise UsageError(f"flow {flow.name}: steps {stuck} depend on each other in a cycle")
        for step in ready:
            ordered.append(step)
            done.add(step.name)
    return ordered


class FlowState:
    """Fingerprints of the steps last completed in a project, kept in `.vigie/flow-state.json`."""

    def __init__(self, project: LocalProject):
        self.path = project.root / ".vigie" / "flow-state.json"
        self.data: dict[str, str] = json.loads(self.path.read_text()) if self.path.is_file() else {}

    def record(self, step: Step) -> None:
        self.data[step.name] = step.fingerprint()
        self._save()

    def forget(self, step: Step) -> None:
        """Called before a step runs, so a run that fails half-way is never taken as up to date."""
        if self.data.pop(step.name, None) is not None:
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.data, indent=2, sort_keys=True))


def is_up_to_date(step: Step, project: LocalProject, state: FlowState) -> bool:
    """Outputs exist, are newer than every input, and were made with this step's recipe and parameters."""
    if state.data.get(step.name) != step.fingerprint():
        return False
    output_times = [project.modified_at(n) for n in step.output_names()]
    if not output_times or any(t is None for t in output_times):
        return False
    input_times = [project.modified_at(n) for n in step.input_names()]
    return all(t is not None for t in input_times) and min(output_times) >= max(input_times, default=0.0)


@dataclass
class StepOutcome:
    step: Step
    status: str  # "ran" or "skipped"
    summary: Optional[RunSummary] = None


def run_flow(flow: Flow, project: LocalProject, force: bool = False,
             on_step: Optional[Callable[[Step, str], None]] = None,
             overrides: Optional[Mapping[str, Mapping[str, Any]]] = None) -> list[StepOutcome]:
    """Run the flow's steps in dependency order; `overrides` maps step name -> parameters to replace."""
    state = FlowState(project)
    outcomes = []
    for step in execution_order(flow):
        if overrides and step.name in overrides:
            step = Step(step.name, step.recipe, step.inputs, step.outputs, {**step.params, **overrides[step.name]})
        if not force and is_up_to_date(step, project, state):
            outcomes.append(StepOutcome(step, "skipped"))
            if on_step:
                on_step(step, "skipped")
            continue
        if on_step:
            on_step(step, "running")
        state.forget(step)
        summary = run_recipe(step.recipe, project, step.inputs, step.outputs, step.params)
        state.record(step)
        outcomes.append(StepOutcome(step, "ran", summary))
        if on_step:
            on_step(step, "done")
    return outcomes
