"""Where the plugin lives and what it declares: descriptors of recipes, macros, steps and webapps, read as DSS does."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from vigie.core.errors import UsageError

# component kind -> (folder under the plugin root, descriptor file name)
COMPONENT_KINDS: dict[str, tuple[str, str]] = {
    "recipe": ("custom-recipes", "recipe.json"),
    "macro": ("python-runnables", "runnable.json"),
    "step": ("python-steps", "step.json"),
    "webapp": ("webapps", "webapp.json"),
}


@functools.lru_cache(maxsize=1)
def plugin_root() -> Path:
    """The plugin directory: $VIGIE_PLUGIN_ROOT, else the folder holding python-lib (as in DSS and a git checkout)."""
    env = os.environ.get("VIGIE_PLUGIN_ROOT")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[3])
    for candidate in candidates:
        if (candidate / "plugin.json").is_file():
            return candidate
    raise UsageError("cannot find the Vigie plugin directory (plugin.json); set VIGIE_PLUGIN_ROOT")


def resource_path(*parts: str) -> Path:
    """A file of the plugin's read-only resource folder."""
    return plugin_root().joinpath("resource", *parts)


def component_ids(kind: str) -> list[str]:
    """Ids of the components of one kind that the plugin ships, sorted."""
    folder, descriptor = COMPONENT_KINDS[kind]
    base = plugin_root() / folder
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / descriptor).is_file())


def descriptor_path(kind: str, component_id: str) -> Path:
    folder, descriptor = COMPONENT_KINDS[kind]
    return plugin_root() / folder / component_id / descriptor


@functools.lru_cache(maxsize=None)
def load_descriptor(kind: str, component_id: str) -> dict:
    """The parsed descriptor of a component; a clear error for an unknown id or a malformed file."""
    path = descriptor_path(kind, component_id)
    if not path.is_file():
        known = ", ".join(component_ids(kind)) or "none"
        raise UsageError(f"unknown {kind} '{component_id}' (known: {known})")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc}") from exc
