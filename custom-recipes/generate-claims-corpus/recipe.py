# Generate a synthetic claims corpus: all logic lives in python-lib (vigie.synth).
from dku_vigie.recipe import run_recipe

run_recipe("generate-claims-corpus")
