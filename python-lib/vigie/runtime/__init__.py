"""The recipe contract and its local implementation: descriptors, parameters, project store, runner and flows."""
