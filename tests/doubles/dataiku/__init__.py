"""A test double of the documented `dataiku` API, backed by a temporary directory.

It implements the surface DSS plugins use (see shared/reference/dataiku-plugin.md §2): `Dataset` (read_schema,
iter_dataframes, get_dataframe, write_schema, write_schema_from_dataframe, get_writer, write_with_schema), `Folder`
(list_paths_in_partition, get_download_stream, get_writer, upload_data, clear), `customrecipe` role and config
getters and `runnables.Runnable`. Tests set `STATE` before running a real recipe.py or runnable.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import pandas as pd

STATE: dict = {"root": None, "inputs": {}, "outputs": {}, "config": {}}


def reset(root: Path, inputs=None, outputs=None, config=None) -> None:
    STATE.update(root=Path(root), inputs=inputs or {}, outputs=outputs or {}, config=config or {})


def _root() -> Path:
    if STATE["root"] is None:
        raise RuntimeError("dataiku double: call dataiku.reset(root, ...) first")
    return STATE["root"]


class _Writer:
    def __init__(self, dataset: "Dataset"):
        self.dataset, self.frames = dataset, []

    def write_dataframe(self, df: pd.DataFrame) -> None:
        self.frames.append(df.copy())

    def close(self) -> None:
        schema = self.dataset.read_schema()
        names = [c["name"] for c in schema]
        frame = pd.concat(self.frames, ignore_index=True) if self.frames else pd.DataFrame(columns=names)
        if list(frame.columns) != names:
            raise ValueError(f"dataiku double: columns {list(frame.columns)} do not match schema {names}")
        frame.to_pickle(self.dataset._data_path())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Dataset:
    def __init__(self, name: str, project_key: str | None = None, ignore_flow: bool = False):
        self.name = name

    def _data_path(self) -> Path:
        (_root() / "datasets").mkdir(parents=True, exist_ok=True)
        return _root() / "datasets" / f"{self.name}.pkl"

    def _schema_path(self) -> Path:
        (_root() / "datasets").mkdir(parents=True, exist_ok=True)
        return _root() / "datasets" / f"{self.name}.schema.json"

    def read_schema(self, raise_if_empty: bool = True) -> list[dict]:
        path = self._schema_path()
        if not path.exists():
            if raise_if_empty:
                raise Exception(f"No schema for dataset {self.name}")
            return []
        return json.loads(path.read_text())

    def write_schema(self, columns: list[dict], dropAndCreate: bool = False) -> None:
        self._schema_path().write_text(json.dumps(columns))

    def write_schema_from_dataframe(self, df: pd.DataFrame, dropAndCreate: bool = False) -> None:
        kinds = {"b": "boolean", "i": "bigint", "u": "bigint", "f": "double", "M": "date"}
        self.write_schema([{"name": c, "type": kinds.get(df[c].dtype.kind, "string")} for c in df.columns])

    def get_writer(self) -> _Writer:
        return _Writer(self)

    def write_with_schema(self, df: pd.DataFrame, drop_and_create: bool = False) -> None:
        self.write_schema_from_dataframe(df)
        with self.get_writer() as writer:
            writer.write_dataframe(df)

    def get_dataframe(self, columns=None, sampling="head", limit=None, infer_with_pandas=True) -> pd.DataFrame:
        return pd.read_pickle(self._data_path())

    def iter_dataframes(self, chunksize: int = 10000, infer_with_pandas: bool = True, sampling="head",
                        limit=None, columns=None):
        frame = self.get_dataframe()
        for start in range(0, len(frame), chunksize):
            yield frame.iloc[start:start + chunksize].reset_index(drop=True)


class _FolderWriter(io.BytesIO):
    def __init__(self, path: Path):
        super().__init__()
        self._path = path

    def close(self) -> None:
        if not self.closed:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._path.write_bytes(self.getvalue())
        super().close()


class Folder:
    def __init__(self, lookup: str, project_key: str | None = None, ignore_flow: bool = False):
        self.name = lookup
        self._base = _root() / "folders" / lookup

    def _path(self, path: str) -> Path:
        if not path.startswith("/"):
            raise ValueError("dataiku double: folder paths start with '/'")
        return self._base / path.lstrip("/")

    def list_paths_in_partition(self, partition: str = "") -> list[str]:
        if not self._base.exists():
            return []
        return sorted("/" + p.relative_to(self._base).as_posix() for p in self._base.rglob("*") if p.is_file())

    @contextlib.contextmanager
    def get_download_stream(self, path: str):
        with open(self._path(path), "rb") as stream:
            yield stream

    def get_writer(self, path: str) -> _FolderWriter:
        return _FolderWriter(self._path(path))

    def upload_data(self, path: str, data: bytes) -> None:
        with self.get_writer(path) as writer:
            writer.write(data)

    def clear(self) -> None:
        for p in sorted(self._base.rglob("*"), reverse=True) if self._base.exists() else []:
            p.unlink() if p.is_file() else os.rmdir(p)
