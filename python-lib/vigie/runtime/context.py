"""The recipe contract: what a handler sees, whether it runs in DSS or on a local project directory.

A handler is a function `handler(ctx: RecipeContext) -> None`. It reaches its inputs and outputs by role (datasets
as pandas DataFrames read or written in chunks, folders as streams), its parameters through `ctx.config` (declared
defaults applied), and reports progress and logs. Stores (local directory, DSS) only provide the handles.
"""

from __future__ import annotations

import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import IO, Any, Callable, Optional

import pandas as pd

from vigie.core.errors import UsageError

Schema = list  # DSS schema: [{"name": str, "type": "string"|"int"|"bigint"|"double"|"boolean"|"date"|...}]


class DatasetInput(ABC):
    """A dataset read as pandas DataFrames."""

    name: str

    @abstractmethod
    def schema(self) -> Schema: ...

    @abstractmethod
    def iter_chunks(self, chunksize: int = 10_000) -> Iterator[pd.DataFrame]: ...

    def read(self) -> pd.DataFrame:
        chunks = list(self.iter_chunks())
        if not chunks:
            return pd.DataFrame(columns=[c["name"] for c in self.schema()])
        return pd.concat(chunks, ignore_index=True)


class ChunkWriter(ABC):
    @abstractmethod
    def write(self, df: pd.DataFrame) -> None: ...


class DatasetOutput(ABC):
    """A dataset written from pandas DataFrames, whole or chunk by chunk, with its schema."""

    name: str

    @abstractmethod
    def writer(self, schema: Optional[Schema] = None) -> contextlib.AbstractContextManager[ChunkWriter]: ...

    def write(self, df: pd.DataFrame, schema: Optional[Schema] = None) -> None:
        with self.writer(schema) as out:
            out.write(df)


class Folder(ABC):
    """A managed folder reached by streams only, so it works on cloud storage and in containers.

    Paths are relative, with '/' separators and no leading slash.
    """

    name: str

    @abstractmethod
    def list_paths(self) -> list[str]: ...

    @abstractmethod
    def open_read(self, path: str) -> contextlib.AbstractContextManager[IO[bytes]]: ...

    @abstractmethod
    def open_write(self, path: str) -> contextlib.AbstractContextManager[IO[bytes]]: ...

    @abstractmethod
    def clear(self) -> None: ...

    def read_bytes(self, path: str) -> bytes:
        with self.open_read(path) as stream:
            return stream.read()

    def write_bytes(self, path: str, data: bytes) -> None:
        with self.open_write(path) as stream:
            stream.write(data)


class Store(ABC):
    """Where datasets and folders live: a local project directory or a DSS project."""

    @abstractmethod
    def input_dataset(self, name: str) -> DatasetInput: ...

    @abstractmethod
    def output_dataset(self, name: str) -> DatasetOutput: ...

    @abstractmethod
    def folder(self, name: str) -> Folder: ...


class Progress(ABC):
    """Progress of a long piece of work, in items."""

    @abstractmethod
    def update(self, n: int = 1) -> None: ...

    def close(self) -> None:  # noqa: B027 - optional hook, most reporters have nothing to finish
        """Finish the report; nothing to do by default."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class LoggingProgress(Progress):
    """Progress written to a logger every 10 %: what DSS job logs show."""

    def __init__(self, total: int, description: str, logger: logging.Logger):
        self.total, self.description, self.logger = max(total, 1), description, logger
        self.done, self._next = 0, 0.1

    def update(self, n: int = 1) -> None:
        self.done += n
        while self.done / self.total >= self._next - 1e-9 and self._next <= 1.0:
            self.logger.info("%s: %d/%d (%d%%)", self.description, self.done, self.total, round(self._next * 100))
            self._next += 0.1


ProgressFactory = Callable[[int, str], Progress]


def role_kind(role: dict) -> str:
    """'folder' or 'dataset': what a role of the descriptor accepts (our descriptors accept exactly one)."""
    return "folder" if role.get("acceptsManagedFolder") and not role.get("acceptsDataset", True) else "dataset"


def bind_roles(recipe_id: str, declared: list[dict], given: Mapping[str, list[str]], side: str) -> dict[str, list[str]]:
    """Check role -> names against the descriptor: no unknown role, required roles present, UNARY has one name."""
    by_name = {r["name"]: r for r in declared}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        known = ", ".join(by_name) or "none"
        raise UsageError(f"{recipe_id}: unknown {side} role {', '.join(unknown)} (declared: {known})")
    bound: dict[str, list[str]] = {}
    for name, role in by_name.items():
        names = [n for n in given.get(name, []) if n]
        if not names and role.get("required", False):
            raise UsageError(f"{recipe_id}: missing required {side} role {name} (--{side} {name}=NAME)")
        if len(names) > 1 and role.get("arity", "UNARY") == "UNARY":
            raise UsageError(f"{recipe_id}: {side} role {name} takes one {role_kind(role)}, got {len(names)}")
        bound[name] = names
    return bound


class RecipeContext:
    """Inputs and outputs by role, configuration, progress and logging, for one recipe run."""

    def __init__(self, recipe_id: str, descriptor: dict, inputs: Mapping[str, list[str]],
                 outputs: Mapping[str, list[str]], config: Mapping[str, Any], store: Store,
                 progress_factory: Optional[ProgressFactory] = None, logger: Optional[logging.Logger] = None):
        self.recipe_id = recipe_id
        self._input_roles = {r["name"]: r for r in descriptor.get("inputRoles", [])}
        self._output_roles = {r["name"]: r for r in descriptor.get("outputRoles", [])}
        self._inputs = bind_roles(recipe_id, descriptor.get("inputRoles", []), inputs, "input")
        self._outputs = bind_roles(recipe_id, descriptor.get("outputRoles", []), outputs, "output")
        self.config = config
        self.store = store
        self.log = logger or logging.getLogger(f"vigie.recipe.{recipe_id}")
        self._progress_factory = progress_factory or (lambda total, desc: LoggingProgress(total, desc, self.log))

    def _names(self, role: str, side: str, kind: str) -> list[str]:
        roles, bound = (self._input_roles, self._inputs) if side == "input" else (self._output_roles, self._outputs)
        if role not in roles:
            raise KeyError(f"{self.recipe_id} reads {side} role '{role}', which its descriptor does not declare")
        if role_kind(roles[role]) != kind:
            raise KeyError(f"{self.recipe_id}: {side} role '{role}' is a {role_kind(roles[role])}, not a {kind}")
        return bound[role]

    def _one(self, role: str, side: str, kind: str) -> str:
        names = self._names(role, side, kind)
        if not names:
            raise UsageError(f"{self.recipe_id}: {side} role {role} is not set")
        return names[0]

    def has_input(self, role: str) -> bool:
        return bool(self._inputs.get(role))

    def has_output(self, role: str) -> bool:
        return bool(self._outputs.get(role))

    def input_dataset(self, role: str) -> DatasetInput:
        return self.store.input_dataset(self._one(role, "input", "dataset"))

    def input_datasets(self, role: str) -> list[DatasetInput]:
        return [self.store.input_dataset(n) for n in self._names(role, "input", "dataset")]

    def output_dataset(self, role: str) -> DatasetOutput:
        return self.store.output_dataset(self._one(role, "output", "dataset"))

    def input_folder(self, role: str) -> Folder:
        return self.store.folder(self._one(role, "input", "folder"))

    def input_folders(self, role: str) -> list[Folder]:
        return [self.store.folder(n) for n in self._names(role, "input", "folder")]

    def output_folder(self, role: str) -> Folder:
        return self.store.folder(self._one(role, "output", "folder"))

    def progress(self, total: int, description: str) -> Progress:
        return self._progress_factory(total, description)
