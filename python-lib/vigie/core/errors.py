"""Error types that the CLI and the recipe runners turn into readable one-line messages."""

from __future__ import annotations


class VigieError(Exception):
    """A failure with a message meant for the user, not a traceback."""


class UsageError(VigieError):
    """The user asked for something that cannot be: unknown recipe, role or parameter, bad value."""
