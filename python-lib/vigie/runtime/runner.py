"""Runs one recipe or macro on a local project directory, exactly as DSS would run it in a job."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tqdm.auto import tqdm

from vigie.core.errors import UsageError
from vigie.runtime import registry
from vigie.runtime.context import Progress, RecipeContext, role_kind
from vigie.runtime.local import LocalProject
from vigie.runtime.macro import MacroContext
from vigie.runtime.params import Config, resolve_config
from vigie.runtime.plugin import load_descriptor


class TqdmProgress(Progress):
    """A progress bar on the terminal (silent when stderr is not a terminal)."""

    def __init__(self, total: int, description: str):
        self._bar = tqdm(total=total, desc=description, unit="item", disable=None, leave=False)

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def close(self) -> None:
        self._bar.close()


@dataclass
class RunSummary:
    component: str
    seconds: float
    outputs: dict[str, list[str]]
    result: Any = None


def _check_inputs_exist(project: LocalProject, descriptor: dict, inputs: Mapping[str, list[str]]) -> None:
    for role in descriptor.get("inputRoles", []):
        for name in inputs.get(role["name"], []):
            kind = role_kind(role)
            path = project.folder_path(name) if kind == "folder" else project.dataset_path(name)
            if not path.exists():
                raise UsageError(f"input {kind} {name} (role {role['name']}) does not exist in {project.root}")


def recipe_context(recipe_id: str, project: LocalProject, inputs: Mapping[str, list[str]],
                   outputs: Mapping[str, list[str]], params: Mapping[str, Any]) -> RecipeContext:
    """A recipe's context on the project, roles and parameters validated against its recipe.json."""
    descriptor = load_descriptor("recipe", recipe_id)
    config = Config(resolve_config(descriptor.get("params", []), params, f"recipe {recipe_id}"), recipe_id)
    ctx = RecipeContext(recipe_id, descriptor, inputs, outputs, config, project, TqdmProgress,
                        logging.getLogger(f"vigie.recipe.{recipe_id}"))
    _check_inputs_exist(project, descriptor, inputs)
    return ctx


def run_recipe(recipe_id: str, project: LocalProject, inputs: Mapping[str, list[str]],
               outputs: Mapping[str, list[str]], params: Mapping[str, Any]) -> RunSummary:
    """Validate roles and parameters against recipe.json, then run the recipe's handler on the project."""
    ctx = recipe_context(recipe_id, project, inputs, outputs, params)
    handler = registry.handler("recipe", recipe_id)
    started = time.perf_counter()
    handler(ctx)
    return RunSummary(recipe_id, time.perf_counter() - started, {k: list(v) for k, v in outputs.items()})


def run_macro(macro_id: str, project: LocalProject, params: Mapping[str, Any]) -> RunSummary:
    """Validate parameters against runnable.json, then run the macro on the project."""
    descriptor = load_descriptor("macro", macro_id)
    handler = registry.handler("macro", macro_id)
    config = Config(resolve_config(descriptor.get("params", []), params, f"macro {macro_id}"), macro_id)
    ctx = MacroContext(macro_id, config, project, TqdmProgress, logging.getLogger(f"vigie.macro.{macro_id}"))
    started = time.perf_counter()
    result = handler(ctx)
    return RunSummary(macro_id, time.perf_counter() - started, {}, result)
