"""Double of `dataiku.customrecipe`: role names and configuration from `dataiku.STATE`."""

from __future__ import annotations

from dataiku import STATE


def get_input_names_for_role(role: str) -> list[str]:
    return list(STATE["inputs"].get(role, []))


def get_output_names_for_role(role: str) -> list[str]:
    return list(STATE["outputs"].get(role, []))


def get_recipe_config() -> dict:
    return dict(STATE["config"])


def get_plugin_config() -> dict:
    return {}
