"""The macro contract: a macro handler gets a `MacroContext` and returns an HTML summary for the user."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Optional

from vigie.runtime.context import LoggingProgress, Progress, ProgressFactory, Store


class MacroContext:
    """Configuration, the project's datasets and folders (by the names the parameters give), progress and log."""

    def __init__(self, macro_id: str, config: Mapping[str, Any], store: Store,
                 progress_factory: Optional[ProgressFactory] = None, logger: Optional[logging.Logger] = None):
        self.macro_id = macro_id
        self.config = config
        self.store = store
        self.log = logger or logging.getLogger(f"vigie.macro.{macro_id}")
        self._progress_factory = progress_factory or (lambda total, desc: LoggingProgress(total, desc, self.log))

    def progress(self, total: int, description: str) -> Progress:
        return self._progress_factory(total, description)
