# Detect retyped text: all logic lives in python-lib (vigie.forensics).
from dku_vigie.recipe import run_recipe

run_recipe("detect-retyped-text")
