"""A local project directory as a store: datasets as Parquet files carrying their DSS schema, folders as directories.

Layout: `<project>/project.json`, `<project>/datasets/<name>.parquet`, `<project>/folders/<name>/...`.
Writes go to a temporary file renamed into place, so an interrupted run never leaves half a dataset behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Optional

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vigie import __version__
from vigie.core.errors import UsageError
from vigie.runtime.context import ChunkWriter, DatasetInput, DatasetOutput, Folder, Schema, Store

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
SCHEMA_KEY = b"dss.schema"

_DSS_TO_ARROW = {
    "string": pa.string(), "int": pa.int32(), "bigint": pa.int64(), "smallint": pa.int16(), "tinyint": pa.int8(),
    "double": pa.float64(), "float": pa.float32(), "boolean": pa.bool_(), "date": pa.timestamp("ms", tz="UTC"),
}


def _dss_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_int64(arrow_type) or pa.types.is_uint32(arrow_type) or pa.types.is_uint64(arrow_type):
        return "bigint"
    if pa.types.is_integer(arrow_type):
        return "int"
    if pa.types.is_floating(arrow_type):
        return "double"
    if pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return "array"
    if pa.types.is_struct(arrow_type):
        return "object"
    if pa.types.is_map(arrow_type):
        return "map"
    return "string"


def schema_from_arrow(schema: pa.Schema) -> Schema:
    """The DSS schema (name, type) of an Arrow schema."""
    return [{"name": f.name, "type": _dss_type(f.type)} for f in schema]


def arrow_schema(schema: Schema) -> pa.Schema:
    """An Arrow schema for a DSS schema; complex DSS types are stored as JSON strings."""
    return pa.schema([(c["name"], _DSS_TO_ARROW.get(c["type"], pa.string())) for c in schema])


def check_name(name: str, what: str) -> str:
    if not NAME_PATTERN.match(name or ""):
        raise UsageError(f"invalid {what} name {name!r}: use letters, digits, '_', '-' and '.'")
    return name


class LocalDatasetInput(DatasetInput):
    def __init__(self, path: Path, name: str):
        self.path, self.name = path, name
        if not path.is_file():
            raise UsageError(f"dataset {name} does not exist in this project ({path})")

    def schema(self) -> Schema:
        arrow = pq.read_schema(self.path)
        stored = (arrow.metadata or {}).get(SCHEMA_KEY)
        return json.loads(stored) if stored else schema_from_arrow(arrow)

    def iter_chunks(self, chunksize: int = 10_000) -> Iterator[pd.DataFrame]:
        parquet = pq.ParquetFile(self.path)
        for batch in parquet.iter_batches(batch_size=chunksize):
            yield batch.to_pandas()


class _ParquetChunkWriter(ChunkWriter):
    def __init__(self, path: Path, schema: Optional[Schema]):
        self.path, self.schema = path, schema
        self._writer: Optional[pq.ParquetWriter] = None
        self._arrow: Optional[pa.Schema] = None

    def _open(self, table: pa.Table) -> None:
        dss_schema = self.schema or schema_from_arrow(table.schema)
        self._arrow = (arrow_schema(self.schema) if self.schema else table.schema).with_metadata(
            {SCHEMA_KEY: json.dumps(dss_schema).encode()})
        self._writer = pq.ParquetWriter(self.path, self._arrow)

    def write(self, df: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(df, preserve_index=False,
                                     schema=arrow_schema(self.schema) if self.schema else None)
        if self._writer is None:
            self._open(table)
        self._writer.write_table(table.cast(self._arrow))

    def finish(self) -> None:
        if self._writer is None:  # nothing written: still create an empty dataset with its schema
            empty = arrow_schema(self.schema or [])
            self._open(empty.empty_table())
        self._writer.close()


class LocalDatasetOutput(DatasetOutput):
    def __init__(self, path: Path, name: str):
        self.path, self.name = path, name

    @contextlib.contextmanager
    def writer(self, schema: Optional[Schema] = None) -> Iterator[ChunkWriter]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.name}.", suffix=".tmp")
        os.close(fd)
        out = _ParquetChunkWriter(Path(tmp), schema)
        try:
            yield out
            out.finish()
            os.replace(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


class LocalFolder(Folder):
    def __init__(self, root: Path, name: str):
        self.root, self.name = root, name

    def _path(self, path: str) -> Path:
        relative = path.lstrip("/")
        full = (self.root / relative).resolve()
        if self.root.resolve() not in full.parents and full != self.root.resolve():
            raise UsageError(f"path {path!r} leaves folder {self.name}")
        return full

    def list_paths(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*")
                      if p.is_file() and not p.name.startswith(".vigie-tmp"))

    @contextlib.contextmanager
    def open_read(self, path: str) -> Iterator[IO[bytes]]:
        full = self._path(path)
        if not full.is_file():
            raise FileNotFoundError(f"{path} is not in folder {self.name}")
        with open(full, "rb") as stream:
            yield stream

    @contextlib.contextmanager
    def open_write(self, path: str) -> Iterator[IO[bytes]]:
        full = self._path(path)
        full.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=full.parent, prefix=".vigie-tmp.")
        try:
            with os.fdopen(fd, "wb") as stream:
                yield stream
            os.replace(tmp, full)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def clear(self) -> None:
        if self.root.is_dir():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True, exist_ok=True)


class LocalProject(Store):
    """A project directory holding datasets and folders; created on first use."""

    def __init__(self, root: os.PathLike | str, create: bool = True):
        self.root = Path(root)
        marker = self.root / "project.json"
        if not marker.is_file():
            if not create:
                raise UsageError(f"{self.root} is not a Vigie project (no project.json)")
            if self.root.exists() and any(self.root.iterdir()):
                raise UsageError(f"{self.root} exists and is not a Vigie project; choose an empty or new directory")
            self.root.mkdir(parents=True, exist_ok=True)
            marker.write_text(json.dumps({"name": self.root.name, "vigie_version": __version__}, indent=2))

    def dataset_path(self, name: str) -> Path:
        return self.root / "datasets" / f"{check_name(name, 'dataset')}.parquet"

    def folder_path(self, name: str) -> Path:
        return self.root / "folders" / check_name(name, "folder")

    def input_dataset(self, name: str) -> LocalDatasetInput:
        return LocalDatasetInput(self.dataset_path(name), name)

    def output_dataset(self, name: str) -> LocalDatasetOutput:
        return LocalDatasetOutput(self.dataset_path(name), name)

    def folder(self, name: str) -> LocalFolder:
        return LocalFolder(self.folder_path(name), name)

    def datasets(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "datasets").glob("*.parquet"))

    def folders(self) -> list[str]:
        base = self.root / "folders"
        return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []

    def modified_at(self, name: str) -> Optional[float]:
        """When a dataset or folder was last written (newest file), or None if it does not exist."""
        dataset = self.dataset_path(name)
        if dataset.is_file():
            return dataset.stat().st_mtime
        folder = self.folder_path(name)
        if folder.is_dir():
            times = [p.stat().st_mtime for p in folder.rglob("*") if p.is_file()]
            return max(times, default=folder.stat().st_mtime)
        return None
