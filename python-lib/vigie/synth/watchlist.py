"""A synthetic watchlist for a corpus: the identifiers and names printed on a seeded sample of its pages (a fraud
ring the insurer already knows), plus as many decoy entries that appear on no page.

It gives the watchlist scan something true to find, in the demo and in benchmarks: every entry drawn from a page is
printed on it, so recall is measurable, and the decoys measure false hits.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from vigie.runtime.context import Folder
from vigie.synth import identifiers as ids

WATCHLIST_SCHEMA = [{"name": "kind", "type": "string"}, {"name": "value", "type": "string"},
                    {"name": "label", "type": "string"}, {"name": "source_id", "type": "string"}]
# printed field -> watchlist kind
WATCHED_FIELDS = {"iban": "iban", "rpps": "rpps", "adeli": "adeli", "finess": "finess", "siret": "siret",
                  "nir": "nir", "practitioner_name": "name", "patient_name": "name"}


def _page_entries(doc_id: str, printed: dict, forged_field: str = "") -> list[dict]:
    """Entries for the watched fields printed on a page; a forged field is left out (the page no longer shows it)."""
    return [{"kind": kind, "value": str(printed[name]), "label": f"known fraud ring ({name} of {doc_id})",
             "source_id": doc_id}
            for name, kind in WATCHED_FIELDS.items() if printed.get(name) and name != forged_field]


def _decoys(rng: np.random.Generator, n: int) -> list[dict]:
    makers = (("iban", lambda: ids.bank_account(rng).iban), ("rpps", lambda: ids.rpps(rng)),
              ("siret", lambda: ids.siret(rng)))
    rows = []
    for i in range(n):
        kind, make = makers[i % len(makers)]
        rows.append({"kind": kind, "value": make(), "label": "known fraud ring (not in this corpus)",
                     "source_id": ""})
    return rows


def sample_watchlist(folder: Folder, labels: pd.DataFrame, seed: int, share: float = 0.1) -> pd.DataFrame:
    """Entries from the printed fields of a seeded `share` of the corpus's claim pages, and as many decoys."""
    rng = np.random.default_rng([seed, 0x3A7C])
    candidates = labels[(labels["status"] == "ok") & (labels["doc_type"] != "other")]["id"].tolist()
    chosen = sorted(rng.choice(candidates, size=min(len(candidates), max(1, round(share * len(candidates)))),
                               replace=False)) if candidates else []
    rows = []
    forged_fields = dict(zip(labels["id"], labels["field_name"].where(labels["forged"], "")))
    for doc_id in chosen:
        annotation = json.loads(folder.read_bytes(f"annotations/{doc_id}.json"))
        rows.extend(_page_entries(doc_id, annotation["content"].get("printed", {}), forged_fields[doc_id]))
    rows.extend(_decoys(rng, len(rows)))
    return pd.DataFrame(rows, columns=[c["name"] for c in WATCHLIST_SCHEMA])
