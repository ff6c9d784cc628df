# Extract fields: all logic lives in python-lib (vigie.documents).
from dku_vigie.recipe import run_recipe

run_recipe("extract-fields")
