"""Shared fixtures: a toy plugin directory for runtime tests, so they do not depend on any real component."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from vigie.runtime import plugin, registry

REPO = Path(__file__).resolve().parents[1]

TOY_RECIPE = {
    "meta": {"label": "Toy copy", "description": "Copies rows and scales a column"},
    "kind": "PYTHON",
    "inputRoles": [{"name": "rows", "label": "Rows", "arity": "UNARY", "required": True,
                    "acceptsDataset": True, "acceptsManagedFolder": False}],
    "outputRoles": [
        {"name": "copy", "label": "Copy", "arity": "UNARY", "required": True, "acceptsDataset": True,
         "acceptsManagedFolder": False},
        {"name": "notes", "label": "Notes", "arity": "UNARY", "required": False, "acceptsDataset": False,
         "acceptsManagedFolder": True},
    ],
    "params": [
        {"name": "factor", "type": "INT", "defaultValue": 2, "minI": 1, "maxI": 10},
        {"name": "mode", "type": "SELECT", "defaultValue": "a",
         "selectChoices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
        {"name": "flag", "type": "BOOLEAN", "defaultValue": False},
    ],
    "resourceKeys": [],
}


@pytest.fixture
def toy_plugin(tmp_path, monkeypatch):
    """A plugin root with one recipe, 'toy-copy', whose handler is tests/toy_handlers.py."""
    root = tmp_path / "plugin"
    (root / "custom-recipes" / "toy-copy").mkdir(parents=True)
    (root / "custom-recipes" / "toy-copy" / "recipe.json").write_text(json.dumps(TOY_RECIPE))
    shutil.copy(REPO / "plugin.json", root / "plugin.json")
    monkeypatch.setenv("VIGIE_PLUGIN_ROOT", str(root))
    monkeypatch.setitem(registry.HANDLERS["recipe"], "toy-copy", "toy_handlers:toy_copy")
    plugin.plugin_root.cache_clear()
    plugin.load_descriptor.cache_clear()
    yield root
    plugin.plugin_root.cache_clear()
    plugin.load_descriptor.cache_clear()
