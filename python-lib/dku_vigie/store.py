"""Datasets and managed folders of a DSS project, behind the store interface of the recipe contract."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import IO, Optional

import dataiku
import pandas as pd
from vigie.runtime.context import ChunkWriter, DatasetInput, DatasetOutput, Folder, Schema, Store


class DSSDatasetInput(DatasetInput):
    def __init__(self, name: str):
        self.name = name
        self._dataset = dataiku.Dataset(name)

    def schema(self) -> Schema:
        return [{"name": c["name"], "type": c["type"]} for c in self._dataset.read_schema()]

    def iter_chunks(self, chunksize: int = 10_000) -> Iterator[pd.DataFrame]:
        yield from self._dataset.iter_dataframes(chunksize=chunksize)


class _DSSChunkWriter(ChunkWriter):
    def __init__(self, dataset, schema: Optional[Schema]):
        self._dataset, self._schema, self._writer = dataset, schema, None

    def _open(self, first: Optional[pd.DataFrame]) -> None:
        if self._schema is not None:
            self._dataset.write_schema(self._schema)
        elif first is not None:
            self._dataset.write_schema_from_dataframe(first)
        self._writer = self._dataset.get_writer()

    def write(self, df: pd.DataFrame) -> None:
        if self._writer is None:
            self._open(df)
        self._writer.write_dataframe(df)

    def close(self) -> None:
        if self._writer is None:
            self._open(None)
        self._writer.close()


class DSSDatasetOutput(DatasetOutput):
    def __init__(self, name: str):
        self.name = name
        self._dataset = dataiku.Dataset(name)

    @contextlib.contextmanager
    def writer(self, schema: Optional[Schema] = None) -> Iterator[ChunkWriter]:
        out = _DSSChunkWriter(self._dataset, schema)
        try:
            yield out
        finally:
            out.close()


class DSSFolder(Folder):
    """A managed folder through streams only: works on S3/GCS/Azure folders and in containerised execution."""

    def __init__(self, name: str):
        self.name = name
        self._folder = dataiku.Folder(name)

    def list_paths(self) -> list[str]:
        return sorted(p.lstrip("/") for p in self._folder.list_paths_in_partition())

    @contextlib.contextmanager
    def open_read(self, path: str) -> Iterator[IO[bytes]]:
        with self._folder.get_download_stream("/" + path.lstrip("/")) as stream:
            yield stream

    @contextlib.contextmanager
    def open_write(self, path: str) -> Iterator[IO[bytes]]:
        with self._folder.get_writer("/" + path.lstrip("/")) as writer:
            yield writer

    def clear(self) -> None:
        self._folder.clear()


class DSSStore(Store):
    def input_dataset(self, name: str) -> DSSDatasetInput:
        return DSSDatasetInput(name)

    def output_dataset(self, name: str) -> DSSDatasetOutput:
        return DSSDatasetOutput(name)

    def folder(self, name: str) -> DSSFolder:
        return DSSFolder(name)
