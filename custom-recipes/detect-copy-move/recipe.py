# Detect copy-move forgeries: all logic lives in python-lib (vigie.forensics).
from dku_vigie.recipe import run_recipe

run_recipe("detect-copy-move")
