# Macro: generate a synthetic claims corpus into a managed folder; the logic lives in python-lib (vigie.synth).
from dku_vigie.macro import macro_runnable

MacroRunnable = macro_runnable("generate-claims-corpus")
