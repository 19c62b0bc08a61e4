"""What a shell supplies to the core: where uploads come from, what was converted, the data quality rules.

The local shell implements these with a folder and a JSON file (`local.py`); the Glue shell with S3, DynamoDB and
Glue Data Quality. The tables are Iceberg tables in a Spark catalog of the shell's choosing (`tables.py`). The core
only calls the methods named here.
"""

import hashlib
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import IO, Protocol

from pyspark.sql import DataFrame

from .names import HeaderField

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
    source: HeaderField | None = None  # the header the files write it as (None: none recorded)


@dataclass(frozen=True)
class Contract:
    """A dataset's curated schema: the types the first batch proposed, plus columns added later, in order."""

    columns: tuple[Column, ...]
    partition: str | None = None

    def type_of(self, name: str) -> str | None:
        return next((c.type for c in self.columns if c.name == name), None)

    def sources(self) -> dict[HeaderField, str]:
        """The column of each source header the dataset has had."""
        return {c.source: c.name for c in self.columns if c.source is not None}


@dataclass
class Converted:
    """What the ledger keeps of one converted upload."""

    version: str
    status: str  # converted | quarantined | rejected | empty
    run_id: str
    snapshot: int | None = None  # the curated table's snapshot that committed its rows (None: nothing committed)
    rows_written: int = 0
    rows_quarantined: int = 0
    error: str | None = None  # why it was rejected
    quarantine: str | None = None  # the table holding its put-aside rows
    settings: str | None = None  # a rejected upload: the fingerprint of the settings it was rejected under


def rejected(
    earlier: dict[str, Converted],
    uploads: list[Upload],
    run_id: str,
    error: str,
    settings: str,
    quarantine: str | None = None,
) -> dict[str, Converted]:
    """What the ledger keeps of rejected uploads: why, under which settings (the upload is not read again until it
    or they change), and the snapshot of an earlier version, whose rows stay."""
    return {
        u.key: Converted(
            u.version,
            "rejected",
            run_id,
            earlier[u.key].snapshot if u.key in earlier else None,
            error=error,
            quarantine=quarantine,
            settings=settings,
        )
        for u in uploads
    }


@dataclass(frozen=True)
class Settings:
    """The rules the stack configures: key columns, a partition column per dataset, the quarantine limit, how long
    the tables keep their snapshots, and the texts read as null."""

    key_columns: tuple[str, ...] = ()
    partition_columns: dict[str, str] = field(default_factory=dict)
    max_quarantined_percent: float = 10.0
    snapshot_retention_days: float = 7.0  # how far back time travel reaches: older snapshots are expired
    null_values: tuple[str, ...] = ()  # texts read as null besides the empty field

    def fingerprint(self, dataset: str, rules: str = "") -> str:
        """16 hex digits of what decides how a dataset converts: its settings and the DQDL rules that run on it. A
        rejected upload is converted again when it or this changes (snapshot retention decides nothing of it)."""
        decisive = {
            "keyColumns": list(self.key_columns),
            "partitionColumn": self.partition_columns.get(dataset),
            "maxQuarantinedPercent": self.max_quarantined_percent,
            "nullValues": list(self.null_values),
            "rules": rules,
        }
        return hashlib.sha256(json.dumps(decisive, sort_keys=True).encode("utf-8")).hexdigest()[:16]


class Source(Protocol):
    def open_text(self, upload: Upload) -> IO[str]:
        """The upload as text (UTF-8, byte-order mark removed); only its header record is read from it."""

    def open_bytes(self, upload: Upload) -> AbstractContextManager[IO[bytes]]:
        """The whole upload as bytes, for the rare file whose parsed values need its bytes checked."""


OpenBytes = Callable[[Upload], AbstractContextManager[IO[bytes]]]


class Ledger(Protocol):
    def converted(self, dataset: str) -> dict[str, Converted]:
        """The uploads of a dataset converted so far, by key."""

    def may_hold(self, dataset: str) -> set[str]:
        """Keys of the dataset's uploads whose rows the tables may hold: converted before, or taken by a run that
        did not finish (it may have committed them). Their rows are replaced, not added to."""

    def begin(self, dataset: str, keys: list[str]) -> None:
        """Records, before the tables are changed, that these uploads' rows may be in them from now on."""

    def done(self, dataset: str, records: dict[str, Converted]) -> None:
        """Marks uploads converted, with the snapshot that committed them."""

    def reject(self, dataset: str, uploads: list[Upload], error: str, settings: str) -> None:
        """Marks uploads that could not be read rejected with why and under which settings (their fingerprint),
        before anything of them was committed: they are read again once they or the settings change, and the rows of
        an earlier version stay."""


class Quality(Protocol):
    rules: str  # the DQDL rules' text (part of the settings a rejection is remembered under)

    def evaluate(self, dataset: str, rows: DataFrame) -> tuple[DataFrame, list[str]]:
        """The typed rows with the QUALITY column added, and the rules that failed for the dataset as a whole."""
