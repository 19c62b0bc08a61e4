"""What a shell supplies to the core: where uploads come from, where outputs go, what was converted, the contract.

The local shell implements these with a folder and a JSON file (`local.py`); the Glue shell with S3 and the Glue
Data Catalog. The core only calls the methods named here.
"""

from dataclasses import dataclass, field
from typing import IO, Protocol

from pyspark.sql import DataFrame

# The column a Quality port adds: the rules a typed row failed, null when it passed them all.
QUALITY = "__quality"


@dataclass(frozen=True)
class Upload:
    """One uploaded CSV object: its key under the dataset folder, where Spark reads it, and its version."""

    dataset: str
    key: str
    uri: str
    version: str
    size: int


@dataclass(frozen=True)
class Column:
    name: str
    type: str


@dataclass(frozen=True)
class Contract:
    """A dataset's curated schema: the types the first batch proposed, plus columns added later, in order."""

    columns: tuple[Column, ...]
    partition: str | None = None

    def type_of(self, name: str) -> str | None:
        return next((c.type for c in self.columns if c.name == name), None)


@dataclass
class Converted:
    """What the ledger keeps of one converted upload."""

    version: str
    status: str  # converted | quarantined | rejected | empty
    run_id: str
    outputs: list[str] = field(default_factory=list)
    rows_written: int = 0
    rows_quarantined: int = 0
    error: str | None = None  # why it was rejected
    quarantine: str | None = None  # where its put-aside rows are, relative to the output root


@dataclass(frozen=True)
class Settings:
    """The rules the stack configures: key columns, a partition column per dataset, the quarantine limit."""

    key_columns: tuple[str, ...] = ()
    partition_columns: dict[str, str] = field(default_factory=dict)
    max_quarantined_percent: float = 10.0


class Source(Protocol):
    def open_text(self, upload: Upload) -> IO[str]:
        """The upload as text (UTF-8, byte-order mark removed); only its header record is read from it."""


class Sink(Protocol):
    """Output objects, named by paths relative to the output root ('parquet/sales/x.parquet')."""

    def staging_uri(self, relative: str) -> str:
        """Where Spark writes a staging folder, as a URI Spark understands."""

    def staged_files(self, relative: str) -> list[str]:
        """Data files under a staging folder, relative to it ('__upload=x/part-00000-….parquet')."""

    def publish(self, staged: str, final: str) -> None:
        """Moves one staged file to its final path, replacing what is there."""

    def delete(self, relative: str) -> None:
        """Deletes an output object; a missing object is not an error."""

    def discard_staging(self, relative: str) -> None:
        """Removes a staging folder and everything under it."""


class Ledger(Protocol):
    def converted(self, dataset: str) -> dict[str, Converted]:
        """The uploads of a dataset converted so far, by key."""

    def planned(self, dataset: str) -> dict[str, list[str]]:
        """Outputs recorded as about to be written for uploads not yet marked done, by key."""

    def plan(self, dataset: str, planned: dict[str, list[str]]) -> None:
        """Records, before they are written, the outputs each upload is about to get."""

    def done(self, dataset: str, records: dict[str, Converted]) -> None:
        """Marks uploads converted with their outputs, and forgets their plans."""


class Catalog(Protocol):
    def contract(self, dataset: str) -> Contract | None:
        """The dataset's contract, or None before its first batch."""

    def save_contract(self, dataset: str, contract: Contract) -> None:
        """Records the contract (columns added, never changed)."""

    def add_partitions(self, dataset: str, outputs: list[str]) -> int:
        """Makes the partition folders of these objects known to readers; returns how many were new."""


class Quality(Protocol):
    def evaluate(self, dataset: str, rows: DataFrame) -> tuple[DataFrame, list[str]]:
        """The typed rows with the QUALITY column added, and the rules that failed for the dataset as a whole."""
