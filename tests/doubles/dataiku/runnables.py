"""Double of `dataiku.runnables`."""

from __future__ import annotations


class Runnable:
    def __init__(self, project_key, config, plugin_config):
        self.project_key, self.config, self.plugin_config = project_key, config, plugin_config

    def get_progress_target(self):
        return None

    def run(self, progress_callback):
        raise Exception("unimplemented")
