"""Descriptor checks: strict JSON, documented parameter types and role keys, and code that reads only what it declares.

The code check is static: it follows a handler function and the module-level functions it calls, and collects
the literal parameter names read from a `config` and the literal role names passed to the context's role getters.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
from pathlib import Path

from vigie.runtime.params import DOCUMENTED_TYPES, value_params
from vigie.runtime.plugin import COMPONENT_KINDS, descriptor_path
from vigie.runtime.registry import HANDLERS

ROLE_KEYS = {"name", "label", "description", "arity", "required", "acceptsDataset", "acceptsManagedFolder",
             "acceptsSavedModel", "mustBeSQL", "mustBeStrictlyType"}
PARAM_KEYS = {"name", "label", "type", "description", "defaultValue", "mandatory", "visibilityCondition",
              "selectChoices", "getChoicesFromPython", "disableAutoReload", "minI", "maxI", "minD", "maxD",
              "columnRole", "allowedColumnTypes", "datasetParamName", "canSelectForeign", "canCreateDataset",
              "markCreatedAsBuilt", "triggerParameters", "subParams", "parameterSetId", "allowDuplicates"}
TOP_KEYS = {
    "recipe": {"meta", "kind", "selectableFromDataset", "selectableFromFolder", "selectableFromSavedModel",
               "inputRoles", "outputRoles", "params", "paramsPythonSetup", "paramsTemplate", "paramsModule",
               "resourceKeys"},
    "macro": {"meta", "impersonate", "permissions", "requiresGlobalAdmin", "resultType", "resultLabel", "extension",
              "mimeType", "macroRoles", "params", "paramsPythonSetup"},
    "step": {"meta", "params", "paramsPythonSetup"},
    "webapp": {"meta", "baseType", "standardWebAppLibraries", "hasBackend", "useContextualCodeEnv", "roles",
               "params", "paramsPythonSetup", "enableJavascriptModules", "noJSSecurity", "virtualWebAppAffinity"},
}
ROLE_GETTERS = {"input_dataset": "input", "input_datasets": "input", "input_folder": "input",
                "input_folders": "input", "has_input": "input", "output_dataset": "output",
                "output_folder": "output", "has_output": "output"}


def _strict_json(path: Path) -> tuple[dict | None, list[str]]:
    def refuse(constant: str):
        raise ValueError(f"non-standard constant {constant}")

    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse), []
    except (ValueError, json.JSONDecodeError) as exc:
        return None, [f"{path}: not strict JSON: {exc}"]


def _check_params(where: str, params: list) -> list[str]:
    problems, names = [], set()
    for p in params:
        if p.get("type") not in DOCUMENTED_TYPES:
            problems.append(f"{where}: parameter {p.get('name')} has undocumented type {p.get('type')!r}")
        extra = set(p) - PARAM_KEYS
        if extra:
            problems.append(f"{where}: parameter {p.get('name')} has unknown keys {sorted(extra)}")
        if p.get("name") in names:
            problems.append(f"{where}: duplicate parameter {p.get('name')}")
        names.add(p.get("name"))
        if p.get("type") in ("SELECT", "MULTISELECT") and not (p.get("selectChoices") or p.get("getChoicesFromPython")):
            problems.append(f"{where}: {p.get('type')} parameter {p.get('name')} has no choices")
    return problems


def check_descriptor(kind: str, component_id: str) -> list[str]:
    """Problems of one descriptor: JSON, top-level keys, role keys, parameter types and keys."""
    path = descriptor_path(kind, component_id)
    data, problems = _strict_json(path)
    if data is None:
        return problems
    where = f"{kind} {component_id}"
    extra = set(data) - TOP_KEYS[kind]
    if extra:
        problems.append(f"{where}: unknown top-level keys {sorted(extra)}")
    if "label" not in data.get("meta", {}):
        problems.append(f"{where}: meta.label is missing")
    for side in ("inputRoles", "outputRoles"):
        for role in data.get(side, []):
            bad = set(role) - ROLE_KEYS
            if bad:
                problems.append(f"{where}: role {role.get('name')} has unknown keys {sorted(bad)}")
            if role.get("arity", "UNARY") not in ("UNARY", "NARY"):
                problems.append(f"{where}: role {role.get('name')} has arity {role.get('arity')!r}")
            if bool(role.get("acceptsDataset", True)) == bool(role.get("acceptsManagedFolder", False)):
                problems.append(f"{where}: role {role.get('name')} must accept either datasets or folders")
    return problems + _check_params(where, data.get("params", []))


class _Reads(ast.NodeVisitor):
    """Literal config keys and role names read in one function, and the module functions it calls."""

    def __init__(self):
        self.params: set[str] = set()
        self.roles: dict[str, set[str]] = {"input": set(), "output": set()}
        self.calls: set[str] = set()

    @staticmethod
    def _is_config(node: ast.AST) -> bool:
        return (isinstance(node, ast.Name) and node.id == "config") or (
            isinstance(node, ast.Attribute) and node.attr == "config")

    def visit_Subscript(self, node: ast.Subscript) -> None:
        key = node.slice
        if self._is_config(node.value) and isinstance(key, ast.Constant) and isinstance(key.value, str):
            self.params.add(key.value)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        first = node.args[0] if node.args else None
        literal = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        if isinstance(func, ast.Attribute):
            if func.attr == "get" and self._is_config(func.value) and literal:
                self.params.add(literal)
            if func.attr in ROLE_GETTERS and literal:
                self.roles[ROLE_GETTERS[func.attr]].add(literal)
        if isinstance(func, ast.Name):
            self.calls.add(func.id)
        for arg in node.args:  # functions passed as callbacks count as called
            if isinstance(arg, ast.Name):
                self.calls.add(arg.id)
        self.generic_visit(node)


def handler_reads(target: str) -> tuple[set[str], dict[str, set[str]]]:
    """Parameters and roles that a handler ('module:function') and the module functions it calls read."""
    module_name, _, function_name = target.partition(":")
    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    params: set[str] = set()
    roles: dict[str, set[str]] = {"input": set(), "output": set()}
    todo, seen = [function_name], set()
    while todo:
        name = todo.pop()
        if name in seen or name not in functions:
            continue
        seen.add(name)
        reads = _Reads()
        reads.visit(functions[name])
        params |= reads.params
        roles["input"] |= reads.roles["input"]
        roles["output"] |= reads.roles["output"]
        todo.extend(reads.calls)
    return params, roles


def check_code_reads(kind: str, component_id: str) -> list[str]:
    """Parameters or roles the handler reads that the descriptor does not declare."""
    data = json.loads(descriptor_path(kind, component_id).read_text(encoding="utf-8"))
    target = HANDLERS.get(kind, {}).get(component_id)
    if target is None:
        return [f"{kind} {component_id}: no handler registered in vigie.runtime.registry"]
    params, roles = handler_reads(target)
    problems = [f"{kind} {component_id}: code reads undeclared parameter {p}"
                for p in sorted(params - set(value_params(data.get("params", []))))]
    for side in ("input", "output"):
        declared = {r["name"] for r in data.get(f"{side}Roles", [])}
        problems += [f"{kind} {component_id}: code reads undeclared {side} role {r}"
                     for r in sorted(roles[side] - declared)]
    return problems


def all_descriptor_files() -> list[tuple[str, str]]:
    """(kind, id) of every component descriptor the plugin ships."""
    from vigie.runtime.plugin import component_ids

    return [(kind, cid) for kind in COMPONENT_KINDS for cid in component_ids(kind)]
