"""DSS configurations resolved against the component's descriptor, as the local runner does."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from vigie.runtime.params import Config, resolve_config, value_params

log = logging.getLogger("dku_vigie")


def resolved_config(component: str, descriptor: dict, raw: Mapping[str, Any]) -> Config:
    """Declared defaults filled in and values typed; keys DSS adds that the descriptor does not declare are dropped."""
    declared = value_params(descriptor.get("params", []))
    extra = sorted(set(raw) - set(declared))
    if extra:
        log.info("%s: ignoring undeclared configuration keys %s", component, ", ".join(extra))
    return Config(resolve_config(descriptor.get("params", []), {k: raw[k] for k in raw if k in declared}, component),
                  component)
