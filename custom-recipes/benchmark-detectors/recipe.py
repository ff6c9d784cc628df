# The experiment plan: every detector on every dataset; all logic lives in python-lib (vigie.evaluation).
from dku_vigie.recipe import run_recipe

run_recipe("benchmark-detectors")
