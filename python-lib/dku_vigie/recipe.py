"""Entry point of every plugin recipe in DSS: build the recipe context from `dataiku.customrecipe`, run the handler."""

from __future__ import annotations

import logging

from dataiku import customrecipe
from vigie.runtime import registry
from vigie.runtime.context import RecipeContext
from vigie.runtime.plugin import load_descriptor

from dku_vigie.config import resolved_config
from dku_vigie.store import DSSStore


def run_recipe(recipe_id: str) -> None:
    """Run the python-lib handler of `recipe_id` on the roles and configuration DSS gives this job."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    descriptor = load_descriptor("recipe", recipe_id)
    inputs = {r["name"]: customrecipe.get_input_names_for_role(r["name"]) for r in descriptor.get("inputRoles", [])}
    outputs = {r["name"]: customrecipe.get_output_names_for_role(r["name"])
               for r in descriptor.get("outputRoles", [])}
    config = resolved_config(f"recipe {recipe_id}", descriptor, customrecipe.get_recipe_config())
    ctx = RecipeContext(recipe_id, descriptor, inputs, outputs, config, DSSStore(),
                        logger=logging.getLogger(f"vigie.recipe.{recipe_id}"))
    registry.handler("recipe", recipe_id)(ctx)
