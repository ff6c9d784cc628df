"""Vigie: document fraud, handwriting, next best offer and explanations, as one Dataiku plugin."""

__version__ = "0.1.0"
