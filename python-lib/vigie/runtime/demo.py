"""The demo: a local project made from scratch by the shipped demo flow, and a report of what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

import pandas as pd
import pyarrow.parquet as pq

from vigie.runtime.flow import Step, StepOutcome, load_flow, run_flow
from vigie.runtime.local import LocalProject
from vigie.runtime.plugin import resource_path

DEMO_FLOW = "flows/demo.yaml"


def run_demo(project_dir: Path, documents: Optional[int] = None, force: bool = False,
             on_step: Optional[Callable[[Step, str], None]] = None) -> tuple[LocalProject, list[StepOutcome]]:
    """Create (or reuse) the demo project and run the demo flow on it; `documents` resizes the corpus."""
    project = LocalProject(project_dir)
    flow = load_flow(resource_path(DEMO_FLOW))
    overrides = {s.name: {"n_documents": documents} for s in flow.steps
                 if documents is not None and s.recipe == "generate-claims-corpus"}
    return project, run_flow(flow, project, force=force, on_step=on_step, overrides=overrides)


_PAGE_COUNTS = {"decision": "flagged", "n_failures": "with a failed check", "n_hits": "with a watchlist hit"}


def _outcome(path: Path) -> str:
    """For a per-page result: pages flagged (detectors), with failed checks or watchlist hits, and in error."""
    columns = set(pq.read_schema(path).names)
    if "status" not in columns:
        return ""
    counted = [c for c in _PAGE_COUNTS if c in columns]
    table = pq.read_table(path, columns=counted + ["status"]).to_pandas()
    parts = [f"{int((pd.to_numeric(table[c], errors='coerce').fillna(0) > 0).sum())} {_PAGE_COUNTS[c]}"
             for c in counted]
    return "".join(f", {p}" for p in parts + [f"{int((table['status'] == 'error').sum())} errors"])


def describe_project(project: LocalProject) -> list[str]:
    """One line per dataset (rows, columns) and per folder (files, size), with its path."""
    lines = []
    for name in project.datasets():
        path = project.dataset_path(name)
        meta = pq.read_metadata(path)
        lines.append(f"dataset {name}: {meta.num_rows} rows x {meta.num_columns} columns{_outcome(path)}  ({path})")
    for name in project.folders():
        path = project.folder_path(name)
        files = [p for p in path.rglob("*") if p.is_file()]
        size_mb = sum(p.stat().st_size for p in files) / 1e6
        lines.append(f"folder  {name}: {len(files)} files, {size_mb:.1f} MB  ({path})")
    return lines
