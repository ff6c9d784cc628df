"""Descriptor checks: what DSS reads is strict JSON with documented types and keys, and matches the code."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import vigie
from vigie.runtime import registry
from vigie.runtime.descriptors import all_descriptor_files, check_code_reads, check_descriptor
from vigie.runtime.plugin import COMPONENT_KINDS, component_ids, plugin_root

REPO = Path(__file__).resolve().parents[2]
COMPONENTS = all_descriptor_files()
ENTRY_FILES = {"recipe": "recipe.py", "macro": "runnable.py", "step": "step.py", "webapp": "backend.py"}
ENTRY_CALLS = {"recipe": "run_recipe", "macro": "macro_runnable", "step": "run_step", "webapp": "define_endpoints"}


def test_the_plugin_ships_components():
    assert plugin_root() == REPO
    assert ("recipe", "generate-claims-corpus") in COMPONENTS and ("macro", "generate-claims-corpus") in COMPONENTS


@pytest.mark.parametrize("kind, component_id", COMPONENTS)
def test_descriptor_is_strict_and_documented(kind, component_id):
    assert check_descriptor(kind, component_id) == []


@pytest.mark.parametrize("kind, component_id", [c for c in COMPONENTS if c[0] in ("recipe", "macro")])
def test_code_reads_only_declared_roles_and_parameters(kind, component_id):
    assert check_code_reads(kind, component_id) == []


@pytest.mark.parametrize("kind, component_id", COMPONENTS)
def test_entry_file_is_thin_and_names_its_own_component(kind, component_id):
    folder = REPO / COMPONENT_KINDS[kind][0] / component_id
    source = (folder / ENTRY_FILES[kind]).read_text()
    code_lines = [line for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert len(code_lines) <= 15
    if kind in ("recipe", "macro"):
        assert re.search(rf'{ENTRY_CALLS[kind]}\("{re.escape(component_id)}"\)', source)


def test_registry_and_descriptors_agree():
    for kind in ("recipe", "macro"):
        assert sorted(registry.HANDLERS[kind]) == component_ids(kind)
        for component_id in component_ids(kind):
            assert callable(registry.handler(kind, component_id))


def test_strict_json_check_catches_comments(tmp_path, monkeypatch, toy_plugin):
    bad = toy_plugin / "custom-recipes" / "toy-copy" / "recipe.json"
    bad.write_text('{"meta": {"label": "x"}, // DSS tolerates this, we do not\n "kind": "PYTHON"}')
    assert "not strict JSON" in check_descriptor("recipe", "toy-copy")[0]
    bad.write_text(json.dumps({"meta": {"label": "x"}, "kind": "PYTHON", "colour": 1, "params": [
        {"name": "a", "type": "NUMBER"}], "outputRoles": [{"name": "o", "acceptsDataset": True,
                                                             "acceptsManagedFolder": True}]}))
    problems = " | ".join(check_descriptor("recipe", "toy-copy"))
    assert "unknown top-level keys ['colour']" in problems
    assert "undocumented type 'NUMBER'" in problems
    assert "must accept either datasets or folders" in problems


def test_versions_agree():
    assert json.loads((REPO / "plugin.json").read_text())["version"] == vigie.__version__


def test_desc_json_accepts_the_pythons_the_shipped_models_load_on():
    # the shipped scikit-learn models are pickled with scikit-learn 1.9, which needs Python 3.11+
    desc = json.loads((REPO / "code-env" / "python" / "desc.json").read_text())
    assert set(desc["acceptedPythonInterpreters"]) == {"PYTHON311", "PYTHON312", "PYTHON313"}


def test_requirements_pin_cpu_torch_and_use_ranges():
    lines = [line.strip() for line in (REPO / "code-env/python/spec/requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert "torch==2.13.0" in lines
    assert all(("<" in line or "==" in line) for line in lines), "every requirement needs an upper bound or a pin"


def test_only_dku_vigie_imports_dataiku():
    for path in (REPO / "python-lib" / "vigie").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] in ("dataiku", "dataikuapi") for n in names), path
