"""Macros in DSS: a `Runnable` subclass per macro id that hands a macro context to the python-lib handler."""

from __future__ import annotations

import logging
from typing import Callable

from dataiku.runnables import Runnable
from vigie.runtime import registry
from vigie.runtime.context import Progress
from vigie.runtime.macro import MacroContext
from vigie.runtime.plugin import load_descriptor

from dku_vigie.config import resolved_config
from dku_vigie.store import DSSStore

PROGRESS_TARGET = 100


class CallbackProgress(Progress):
    """Progress reported to DSS's macro progress bar, in percent."""

    def __init__(self, total: int, callback: Callable[[int], None]):
        self.total, self.done, self.callback = max(total, 1), 0, callback

    def update(self, n: int = 1) -> None:
        self.done += n
        self.callback(min(PROGRESS_TARGET, round(PROGRESS_TARGET * self.done / self.total)))


def macro_runnable(macro_id: str) -> type:
    """The Runnable class DSS instantiates for this macro."""

    class VigieMacro(Runnable):
        def __init__(self, project_key, config, plugin_config):
            self.project_key, self.config, self.plugin_config = project_key, config, plugin_config

        def get_progress_target(self):
            return PROGRESS_TARGET, "NONE"

        def run(self, progress_callback):
            descriptor = load_descriptor("macro", macro_id)
            config = resolved_config(f"macro {macro_id}", descriptor, self.config)
            ctx = MacroContext(macro_id, config, DSSStore(),
                               lambda total, _desc: CallbackProgress(total, progress_callback),
                               logging.getLogger(f"vigie.macro.{macro_id}"))
            return registry.handler("macro", macro_id)(ctx)

    VigieMacro.__name__ = VigieMacro.__qualname__ = f"VigieMacro_{macro_id.replace('-', '_')}"
    return VigieMacro
